package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RSA keys outside the size and exponent bounds are skipped like any other unusable key, so a key
 * set cannot make every verification (forged tokens included) cost milliseconds.
 */
class RsaBoundsTest extends SourceTestSupport {

  private static String rsaJwk(String kid, BigInteger n, BigInteger e) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + b64.encodeToString(n.toByteArray())
        + "\",\"e\":\"" + b64.encodeToString(e.toByteArray()) + "\"}";
  }

  private static BigInteger randomOdd(int bits, Random random) {
    return new BigInteger(bits, random).setBit(bits - 1).setBit(0);
  }

  @Test
  void validate_keysOutOfBounds_skippedAndTheirTokensKeyNotFound() throws Exception {
    Random random = new Random(16384);
    TestProvider raw = track(new TestProvider());
    TestIssuer issuer = TestIssuer.create(raw.issuer(), CLIENT_ID);
    String good = issuer.signingKey().publicJwkJson();
    raw.jwks("{\"keys\":[" + good + ","
        + rsaJwk("n16384", randomOdd(16384, random), BigInteger.valueOf(65537)) + ","
        + rsaJwk("e3071", randomOdd(4096, random), randomOdd(3071, random)) + ","
        + rsaJwk("e1", randomOdd(2048, random), BigInteger.ONE) + "]}");
    RemoteKeySource source = track(testDefaults(RemoteKeySource.builder().jwksUri(raw.jwksUri())).build());
    listener.awaitCompletions(1);
    IdTokenValidator validator = validator(source, raw.issuer());

    assertEquals(java.util.List.of(issuer.signingKey().kid()), source.health().kids());
    // A skipped key's kid is unknown like any other: rejected once a fetch started after it was first
    // seen confirms it; "unavailable" until then. No RSA verification is ever attempted with them.
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer, "n16384")));
    assertUnavailable(validator.validate(forged(issuer, "e3071")));
    assertUnavailable(validator.validate(forged(issuer, "e1")));
    ticker.advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN);
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer, "e3071")));
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer, "e1"))); // that fetch confirmed it too
    assertEquals(3, raw.jwksRequests());
    assertValid(validator.validate(issuer.token().sign()));
  }

  @Test
  void validate_minRsaKeySizeRaised_shorterKeySkippedLongerOneUsed() throws Exception {
    TestProvider raw = track(new TestProvider());
    TestIssuer issuer = TestIssuer.create(raw.issuer(), CLIENT_ID);
    TestKey short2048 = issuer.signingKey();
    TestKey long3072 = TestKey.rsa(3072).withKid("long");
    issuer.addKey(long3072);
    raw.jwks(issuer.jwksJson());
    RemoteKeySource source = track(testDefaults(RemoteKeySource.builder().jwksUri(raw.jwksUri()))
        .minRsaKeySize(3072).build());
    listener.awaitCompletions(1);
    IdTokenValidator validator = validator(source, raw.issuer());

    assertEquals(java.util.List.of("long"), source.health().kids());
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(issuer.token().signWith(short2048).sign()));
    assertValid(validator.validate(issuer.token().signWith(long3072).sign()));
  }

  @Test
  void minRsaKeySize_outOfRange_failsNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RemoteKeySource.builder().minRsaKeySize(1024));
    assertEquals(true, e.getMessage().contains("minRsaKeySize"));
    assertThrows(IllegalArgumentException.class, () -> RemoteKeySource.builder().minRsaKeySize(8193));
  }
}
