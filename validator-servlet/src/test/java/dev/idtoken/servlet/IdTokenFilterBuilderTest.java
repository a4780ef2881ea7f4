package dev.idtoken.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.TrustedIssuers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder fails fast; the pieces without a container (token68, challenges, roles) hold their rules. */
class IdTokenFilterBuilderTest {
  private static final TestIssuer ISSUER = TestIssuer.create("https://login.example.com", "spa");
  private static final IdTokenValidator VALIDATOR = validator();

  private static IdTokenValidator validator() {
    try {
      return IdTokenValidator.builder().issuer(ISSUER.issuer()).clientId("spa")
          .keySource(KeySet.parse(ISSUER.jwksJson())).build();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static IdTokenFilter.Builder builder() {
    return IdTokenFilter.builder(VALIDATOR);
  }

  @Test
  void builder_nullArguments_throwNullPointer() {
    assertThrows(NullPointerException.class, () -> IdTokenFilter.builder((IdTokenValidator) null));
    assertThrows(NullPointerException.class, () -> IdTokenFilter.builder((MultiIssuerValidator) null));
    assertThrows(NullPointerException.class, () -> builder().realm(null));
    assertThrows(NullPointerException.class, () -> builder().tokenCookie(null));
    assertThrows(NullPointerException.class, () -> builder().excludePaths((String[]) null));
    assertThrows(NullPointerException.class, () -> builder().excludePaths("/a", null));
    assertThrows(NullPointerException.class, () -> builder().expectations(null));
    assertThrows(NullPointerException.class, () -> builder().principalName(null));
    assertThrows(NullPointerException.class, () -> builder().roles(null));
    assertThrows(NullPointerException.class, () -> builder().rolesClaim((String[]) null));
  }

  @Test
  void realm_outsideQuotedStringSafeCharacters_throwsIllegalArgumentNamingOption() {
    for (String realm : List.of("", "a\"b", "a\\b", "caf\u00e9", "line\nbreak")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder().realm(realm));
      assertTrue(e.getMessage().startsWith("realm"), e::getMessage);
    }
    assertNotNull(builder().realm("patient api (v2)").build());
  }

  @Test
  void tokenCookie_notACookieName_throwsIllegalArgument() {
    for (String name : List.of("", "id token", "id;token", "a=b")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder().tokenCookie(name));
      assertTrue(e.getMessage().startsWith("tokenCookie"), e::getMessage);
    }
  }

  @Test
  void excludePaths_badPatterns_throwIllegalArgument() {
    for (String pattern : List.of("health", "*.css", "/a*", "/a/*/b", "/**", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder().excludePaths(pattern));
      assertTrue(e.getMessage().startsWith("excludePaths"), e::getMessage);
    }
    assertNotNull(builder().excludePaths("/health", "/public/*", "/*").build());
  }

  @Test
  void rolesClaim_emptyPath_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> builder().rolesClaim());
    assertThrows(IllegalArgumentException.class, () -> builder().rolesClaim("realm_access", ""));
  }

  @Test
  void builder_multiIssuerValidator_builds() {
    assertNotNull(IdTokenFilter.builder(MultiIssuerValidator.of(TrustedIssuers.of(VALIDATOR))).build());
  }

  @Test
  void isToken68_followsRfc7235() {
    for (String ok : List.of("a", "abc.def.ghi", "A-Z_a~z+/09", "abc=", "abc==", "eyJ.eyJ.sig")) {
      assertTrue(BearerCredential.isToken68(ok), ok);
    }
    for (String bad : List.of("", "=", "==abc", "a=b", "a b", "a,b", "a\"", "\u00e9", "a\t")) {
      assertFalse(BearerCredential.isToken68(bad), bad);
    }
  }

  @Test
  void everyValidatorMessage_fitsRfc6750ErrorDescription() {
    Answers answers = new Answers("api");
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(code.message(), Answers.safe(code.message()), code::name);
      Map<String, String> params = Rfc6750.parse(answers.challenge("invalid_token", code.message()));
      assertEquals(code.message(), params.get("error_description"), code::name);
    }
    assertEquals("a?b?c?", Answers.safe("a\"b\\c\u00e9"));
  }

  @Test
  void retryAfterSeconds_roundsUpToAtLeastOne() {
    assertEquals(1, Answers.retryAfterSeconds(Duration.ZERO));
    assertEquals(1, Answers.retryAfterSeconds(Duration.ofMillis(1)));
    assertEquals(1, Answers.retryAfterSeconds(Duration.ofSeconds(1)));
    assertEquals(2, Answers.retryAfterSeconds(Duration.ofMillis(1001)));
    assertEquals(60, Answers.retryAfterSeconds(Duration.ofMinutes(1)));
  }

  @Test
  void rolesClaim_readsArraysStringsAndNestedObjects_failsClosedOnOtherTypes() {
    assertEquals(Set.of("a", "b"), roles(List.of("roles"), Map.of("roles", List.of("a", "b", "a"))));
    assertEquals(Set.of("solo"), roles(List.of("roles"), Map.of("roles", "solo")));
    assertEquals(Set.of("admin"), roles(List.of("realm_access", "roles"),
        Map.of("realm_access", Map.of("roles", List.of("admin")))));
    assertEquals(Set.of("x"), roles(List.of("https://app.example/roles"), Map.of("https://app.example/roles", List.of("x"))));
    assertEquals(Set.of(), roles(List.of("roles"), Map.of()));
    assertEquals(Set.of(), roles(List.of("roles"), Map.of("roles", List.of("a", 7))));
    assertEquals(Set.of(), roles(List.of("roles"), Map.of("roles", true)));
    assertEquals(Set.of(), roles(List.of("realm_access", "roles"), Map.of("realm_access", List.of("admin"))));
    assertEquals(Set.of(), roles(List.of("realm_access", "roles"), Map.of("realm_access", "admin")));
  }

  private static Set<String> roles(List<String> path, Map<String, Object> claims) {
    var token = ISSUER.token();
    claims.forEach(token::claim);
    var result = VALIDATOR.validate(token.sign());
    assertTrue(result.isValid(), result::toString);
    return new Roles(path).apply(((dev.idtoken.validator.ValidationResult.Valid) result).token());
  }
}
