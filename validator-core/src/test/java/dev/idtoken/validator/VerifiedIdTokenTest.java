package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifiedIdTokenTest {
  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator validator = validatorFor(issuer).build();

  private VerifiedIdToken verify(dev.idtoken.testkit.TokenBuilder token) {
    return assertValid(validator.validate(token.sign()));
  }

  @Test
  void standardClaims_areTyped() {
    VerifiedIdToken id = verify(issuer.token().claim("acr", "urn:acr:2").claim("amr", List.of("pwd", "otp"))
        .claim("sid", "s-1").claim("name", "Jane").claim("given_name", "J").claim("family_name", "D")
        .claim("preferred_username", "jd").claim("locale", "en-GB").claim("picture", "https://p.example/j.png"));
    assertEquals(Optional.of("urn:acr:2"), id.acr());
    assertEquals(List.of("pwd", "otp"), id.amr());
    assertEquals(Optional.of("s-1"), id.sessionId());
    assertEquals(Optional.of("Jane"), id.name());
    assertEquals(Optional.of("J"), id.givenName());
    assertEquals(Optional.of("D"), id.familyName());
    assertEquals(Optional.of("jd"), id.preferredUsername());
    assertEquals(Optional.of("en-GB"), id.locale());
    assertEquals(Optional.of("https://p.example/j.png"), id.picture());
    assertFalse(id.emailVerified());
    assertEquals(Optional.empty(), id.authorizedParty());
  }

  @Test
  void customClaims_typedAccess() {
    VerifiedIdToken id = verify(issuer.token().claim("fhirUser", "Patient/42").claim("patient", "42")
        .claim("count", 7).claim("ratio", 0.5).claim("flag", true).claim("roles", List.of("a", "b"))
        .claim("ctx", Map.of("k", List.of(1, "x"))).claim("updated", 1_700_000_000).claim("none", null));
    assertEquals(Optional.of("Patient/42"), id.stringClaim("fhirUser"));
    assertEquals(Optional.of(7L), id.claim("count", Long.class));
    assertEquals(Optional.of(0.5), id.claim("ratio", Double.class));
    assertEquals(Optional.of(true), id.claim("flag", Boolean.class));
    assertEquals(Optional.of(List.of("a", "b")), id.stringListClaim("roles"));
    assertEquals(Optional.of(List.of("42")), id.stringListClaim("patient"));
    assertEquals(Optional.of(Map.of("k", List.of(1L, "x"))), id.claim("ctx", Map.class));
    assertEquals(Optional.of(Instant.ofEpochSecond(1_700_000_000)), id.claim("updated", Instant.class));
    assertEquals(Optional.empty(), id.stringClaim("none"));
    assertTrue(id.hasClaim("none"));
    assertEquals(Optional.empty(), id.stringClaim("absent"));
    assertTrue(id.claimNames().containsAll(List.of("fhirUser", "iss", "sub")));
    assertEquals("Patient/42", id.claims().get("fhirUser"));
  }

  @Test
  void claimOfOtherType_throwsClaimTypeExceptionNamingClaimOnly() {
    VerifiedIdToken id = verify(issuer.token().claim("count", 7).claim("roles", List.of(1)));
    ClaimTypeException e = assertThrows(ClaimTypeException.class, () -> id.stringClaim("count"));
    assertEquals("count", e.claim());
    assertFalse(e.getMessage().contains("7"));
    assertThrows(ClaimTypeException.class, () -> id.stringListClaim("roles"));
    assertThrows(IllegalArgumentException.class, () -> id.claim("count", StringBuilder.class));
  }

  @Test
  void claims_areUnmodifiable() {
    VerifiedIdToken id = verify(issuer.token().claim("roles", List.of("a")));
    assertThrows(UnsupportedOperationException.class, () -> id.claims().put("x", 1));
    assertThrows(UnsupportedOperationException.class, () -> id.audiences().add("x"));
    assertThrows(UnsupportedOperationException.class, () -> id.amr().add("x"));
  }

  @Test
  void header_givesTheCheckedAlgKidAndTyp() {
    VerifiedIdToken id = verify(issuer.token().type("JWT"));
    assertEquals(JwsAlgorithm.RS256, id.algorithm());
    assertEquals(Optional.of(issuer.signingKey().kid()), id.keyId());
    assertEquals(Optional.of("JWT"), id.type());
    assertEquals(Map.of("alg", "RS256", "kid", issuer.signingKey().kid(), "typ", "JWT"), id.header());
    assertThrows(UnsupportedOperationException.class, () -> id.header().put("x", 1));
  }

  @Test
  void header_withoutKidOrTyp_holdsOnlyAlg() {
    VerifiedIdToken id = verify(issuer.token().kid(null).type(null));
    assertEquals(Optional.empty(), id.keyId());
    assertEquals(Optional.empty(), id.type());
    assertEquals(Map.of("alg", "RS256"), id.header());
  }

  @Test
  void claimsWithInstants_turnsTimeClaimsIntoInstants() {
    VerifiedIdToken id = verify(issuer.token().authTime(Fixtures.NOW.minusSeconds(60))
        .notBefore(Fixtures.NOW.minusSeconds(30)).claim("updated_at", 1_700_000_000).claim("count", 7));
    Map<String, Object> claims = id.claimsWithInstants();
    assertEquals(id.expiresAt(), claims.get("exp"));
    assertEquals(id.issuedAt(), claims.get("iat"));
    assertEquals(Fixtures.NOW.minusSeconds(30), claims.get("nbf"));
    assertEquals(Fixtures.NOW.minusSeconds(60), claims.get("auth_time"));
    assertEquals(Instant.ofEpochSecond(1_700_000_000), claims.get("updated_at"));
    assertEquals(7L, claims.get("count"));
    assertEquals(issuer.issuer(), claims.get("iss"));
    assertThrows(UnsupportedOperationException.class, () -> claims.put("x", 1));
    assertEquals(Long.class, id.claims().get("exp").getClass()); // claims() keeps JSON numbers
  }
}
