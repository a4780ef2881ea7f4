package dev.idtoken.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class IdTokenAuthoritiesConverterTest {

  private static Set<String> convert(String claim, Map<String, Object> claims) {
    Jwt jwt = Jwt.withTokenValue("t").header("alg", "RS256").claims(c -> c.putAll(claims)).build();
    return new IdTokenAuthoritiesConverter(claim, "ROLE_").convert(jwt).stream()
        .map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
  }

  @Test
  void convert_listClaim_prefixesEachString() {
    assertEquals(Set.of("ROLE_a", "ROLE_b"), convert("roles", Map.of("roles", List.of("a", "b"))));
  }

  @Test
  void convert_spaceSeparatedString_splits() {
    assertEquals(Set.of("ROLE_a", "ROLE_b"), convert("groups", Map.of("groups", " a  b ")));
  }

  @Test
  void convert_nestedKeycloakClaim_walksThePath() {
    assertEquals(Set.of("ROLE_admin"), convert("realm_access.roles",
        Map.of("realm_access", Map.of("roles", List.of("admin")))));
  }

  @Test
  void convert_dottedClaimOfThatExactName_winsOverThePath() {
    assertEquals(Set.of("ROLE_x"), convert("https://example.com/roles",
        Map.of("https://example.com/roles", List.of("x"))));
  }

  @Test
  void convert_wrongShapesOrAbsent_grantNothing() {
    assertEquals(Set.of(), convert("roles", Map.of("sub", "u")));
    assertEquals(Set.of(), convert("roles", Map.of("roles", 42)));
    assertEquals(Set.of("ROLE_ok"), convert("roles", Map.of("roles", List.of(Map.of("a", "b"), 7, "ok"))));
    assertEquals(Set.of(), convert("realm_access.roles", Map.of("realm_access", "admin")));
  }

  @Test
  void constructor_blankClaim_throws() {
    assertThrows(IllegalArgumentException.class, () -> new IdTokenAuthoritiesConverter(" ", "ROLE_"));
  }
}
