package dev.idtoken.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.TrustedIssuers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

class IdTokenJwtDecoderTest {
  private static final TestIssuer ISSUER = TestIssuer.create("https://issuer.example", "client-1");

  private static IdTokenValidator validator(KeySource keys) {
    return IdTokenValidator.builder().issuer("https://issuer.example").clientId("client-1").keySource(keys).build();
  }

  private static IdTokenJwtDecoder decoder() throws Exception {
    return new IdTokenJwtDecoder(validator(KeySet.parse(ISSUER.jwksJson())));
  }

  @Test
  void decode_validToken_returnsJwtWithHeaderAndInstantTimes() throws Exception {
    String token = ISSUER.token().subject("u-7").claim("roles", List.of("a")).sign();

    Jwt jwt = decoder().decode(token);

    assertEquals(token, jwt.getTokenValue());
    assertEquals("RS256", jwt.getHeaders().get("alg"));
    assertEquals(ISSUER.signingKey().kid(), jwt.getHeaders().get("kid"));
    assertEquals("u-7", jwt.getSubject());
    assertEquals(List.of("client-1"), jwt.getAudience());
    assertInstanceOf(Instant.class, jwt.getClaims().get("exp"));
    assertInstanceOf(Instant.class, jwt.getClaims().get("iat"));
    assertEquals(jwt.getClaims().get("exp"), jwt.getExpiresAt());
    assertEquals(List.of("a"), jwt.getClaimAsStringList("roles"));
  }

  @Test
  void decode_expiredToken_throwsBadJwtWithFixedDescriptionAndCode() throws Exception {
    InvalidIdTokenException e = assertThrows(InvalidIdTokenException.class,
        () -> decoder().decode(ISSUER.hostile(Hostile.EXPIRED)));

    assertInstanceOf(BadJwtException.class, e);
    assertEquals(ErrorCode.EXPIRED, e.code());
    assertEquals(ErrorCode.EXPIRED.message(), e.getMessage());
  }

  @Test
  void decode_keysUnavailable_throwsUnavailableWithTheRetryHintNotBadJwt() {
    IdTokenJwtDecoder decoder = new IdTokenJwtDecoder(validator((kid, alg) -> {
      throw new KeySourceException("down", Duration.ofSeconds(3));
    }));

    IdTokenKeysUnavailableException e = assertThrows(IdTokenKeysUnavailableException.class,
        () -> decoder.decode(ISSUER.token().sign()));

    assertFalse(BadJwtException.class.isInstance(e));
    assertEquals(Optional.of(Duration.ofSeconds(3)), e.retryAfter());
    assertEquals(3, IdTokenUnavailableFilter.retryAfterSeconds(e));
  }

  @Test
  void decode_defectiveKeySource_throwsInternalErrorNotBadJwt() {
    IdTokenJwtDecoder decoder = new IdTokenJwtDecoder(validator((kid, alg) -> {
      throw new IllegalStateException("bug");
    }));

    IdTokenInternalErrorException e = assertThrows(IdTokenInternalErrorException.class,
        () -> decoder.decode(ISSUER.token().sign()));

    assertFalse(BadJwtException.class.isInstance(e));
  }

  @Test
  void decode_severalIssuersStranger_throwsUntrustedIssuer() throws Exception {
    IdTokenJwtDecoder decoder = new IdTokenJwtDecoder(MultiIssuerValidator.of(
        TrustedIssuers.of(validator(KeySet.parse(ISSUER.jwksJson())))));

    assertEquals("https://issuer.example", decoder.decode(ISSUER.token().sign()).getClaimAsString("iss"));
    InvalidIdTokenException e = assertThrows(InvalidIdTokenException.class, () -> decoder.decode(
        TestIssuer.create("https://stranger.example", "client-1").token().sign()));
    assertEquals(ErrorCode.UNTRUSTED_ISSUER, e.code());
  }

  @Test
  void retryAfterSeconds_noHintOrSubSecond_roundsUpToAtLeastOne() {
    assertEquals(IdTokenUnavailableFilter.DEFAULT_RETRY_AFTER.getSeconds(),
        IdTokenUnavailableFilter.retryAfterSeconds(new IdTokenKeysUnavailableException("x", null)));
    assertEquals(1, IdTokenUnavailableFilter.retryAfterSeconds(
        new IdTokenKeysUnavailableException("x", Duration.ZERO)));
    assertEquals(2, IdTokenUnavailableFilter.retryAfterSeconds(
        new IdTokenKeysUnavailableException("x", Duration.ofMillis(1001))));
  }
}
