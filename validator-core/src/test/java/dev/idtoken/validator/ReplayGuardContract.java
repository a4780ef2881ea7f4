package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplayGuard} must do behind a validator, run against each implementation: the
 * in-memory guard here, the Redis guard in {@code validator-redis} against a real server. Tokens are
 * minted on the system clock, because a shared store expires entries on its own clock.
 */
public abstract class ReplayGuardContract {
  protected static final String ISSUER = "https://login.example.com";
  protected static final String CLIENT_ID = "client-app";
  /** Presentations of one token in the concurrency test. */
  protected static final int PRESENTATIONS = 1_000;

  protected final TestIssuer issuer = TestIssuer.create(ISSUER, CLIENT_ID);

  /** The guard under test, over a store that is empty at the start of each test. */
  protected abstract ReplayGuard guard();

  /** A second guard over the same store as {@link #guard()}: another instance of the service. */
  protected abstract ReplayGuard anotherInstanceSharingTheStore();

  protected IdTokenValidator.Builder validatorBuilder(TestIssuer issuer) {
    try {
      return IdTokenValidator.builder()
          .issuer(issuer.issuer())
          .clientId(issuer.clientId())
          .keySource(KeySet.parse(issuer.jwksJson()));
    } catch (KeySetException e) {
      throw new AssertionError(e);
    }
  }

  protected static Expectations oneTimeUse(ReplayGuard guard) {
    return Expectations.builder().oneTimeUse(guard).build();
  }

  @Test
  void validate_secondUse_returnsTokenReplayed() {
    IdTokenValidator validator = validatorBuilder(issuer).build();
    String token = issuer.token().sign();

    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token, oneTimeUse(guard())));
    Fixtures.assertInvalid(validator.validate(token, oneTimeUse(guard())), ErrorCode.TOKEN_REPLAYED);
    // Only the login exchange consumes: the same token still works where one-time use is not asked.
    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token));
  }

  @Test
  void validate_otherToken_isNotAReplay() {
    IdTokenValidator validator = validatorBuilder(issuer).build();

    assertInstanceOf(ValidationResult.Valid.class,
        validator.validate(issuer.token().subject("alice").sign(), oneTimeUse(guard())));
    assertInstanceOf(ValidationResult.Valid.class,
        validator.validate(issuer.token().subject("bob").sign(), oneTimeUse(guard())));
  }

  @Test
  void validate_secondUseOnAnotherInstance_returnsTokenReplayed() {
    String token = issuer.token().sign();

    assertInstanceOf(ValidationResult.Valid.class,
        validatorBuilder(issuer).build().validate(token, oneTimeUse(guard())));
    Fixtures.assertInvalid(validatorBuilder(issuer).build()
        .validate(token, oneTimeUse(anotherInstanceSharingTheStore())), ErrorCode.TOKEN_REPLAYED);
  }

  @Test
  void validate_failedCheck_doesNotRecordTheToken() {
    IdTokenValidator validator = validatorBuilder(issuer).build();
    String token = issuer.token().nonce("n-1").sign();

    Fixtures.assertInvalid(validator.validate(token,
        Expectations.builder().nonce("other").oneTimeUse(guard()).build()), ErrorCode.NONCE_MISMATCH);
    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token,
        Expectations.builder().nonce("n-1").oneTimeUse(guard()).build()));
  }

  @Test
  void validate_verifiedTokenCacheHit_isStillCheckedAgainstTheGuard() {
    IdTokenValidator validator = validatorBuilder(issuer).cacheVerifiedTokens(100).build();
    String token = issuer.token().sign();
    ValidationResult bearer = validator.validate(token); // now cached, not consumed

    ValidationResult login = validator.validate(token, oneTimeUse(guard()));
    ValidationResult replay = validator.validate(token, oneTimeUse(guard()));

    assertInstanceOf(ValidationResult.Valid.class, bearer);
    assertTrue(validator.verifiedTokenCache().get(token) != null, "the token should be cached");
    assertInstanceOf(ValidationResult.Valid.class, login);
    Fixtures.assertInvalid(replay, ErrorCode.TOKEN_REPLAYED);
  }

  @Test
  void validate_sameJtiInAnotherToken_returnsTokenReplayed() {
    IdTokenValidator validator = validatorBuilder(issuer).build();
    String first = issuer.token().claim("jti", "id-1").subject("alice").sign();
    String second = issuer.token().claim("jti", "id-1").subject("bob").sign();

    assertInstanceOf(ValidationResult.Valid.class, validator.validate(first, oneTimeUse(guard())));
    Fixtures.assertInvalid(validator.validate(second, oneTimeUse(guard())), ErrorCode.TOKEN_REPLAYED);
  }

  /**
   * ECDSA malleability: (r, s) and (r, n - s) both verify, so the same token has a second valid
   * string. The key comes from the verified claims, so the second string is still a replay.
   */
  @Test
  void validate_reencodedEcdsaSignature_returnsTokenReplayed() {
    TestIssuer ecIssuer = TestIssuer.create(ISSUER, CLIENT_ID);
    ecIssuer.useSigningKey(TestKey.ec("P-256"));
    IdTokenValidator validator =
        validatorBuilder(ecIssuer).allowedAlgorithms(JwsAlgorithm.ES256).build();
    String token = ecIssuer.token().sign();
    String twin = negateEcdsaS(token);
    assertNotEquals(token, twin);
    assertInstanceOf(ValidationResult.Valid.class, validator.validate(twin), "the twin must verify");

    assertInstanceOf(ValidationResult.Valid.class, validator.validate(token, oneTimeUse(guard())));
    Fixtures.assertInvalid(validator.validate(twin, oneTimeUse(guard())), ErrorCode.TOKEN_REPLAYED);
  }

  /** Two instances, one store, 1,000 concurrent presentations of one token: exactly one login. */
  @Test
  void validate_concurrentPresentationsOnTwoInstances_acceptsExactlyOne() throws Exception {
    String token = issuer.token().sign();
    IdTokenValidator[] instances = {
        validatorBuilder(issuer).cacheVerifiedTokens(100).build(), validatorBuilder(issuer).build()};
    Expectations[] logins = {oneTimeUse(guard()), oneTimeUse(anotherInstanceSharingTheStore())};
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ValidationResult>> results = new ArrayList<>();
    try {
      for (int i = 0; i < PRESENTATIONS; i++) {
        int instance = i % 2;
        results.add(pool.submit(() -> {
          start.await();
          return instances[instance].validate(token, logins[instance]);
        }));
      }
      start.countDown();
      Map<ErrorCode, Integer> refusals = new EnumMap<>(ErrorCode.class);
      int valid = 0;
      for (Future<ValidationResult> f : results) {
        ValidationResult r = f.get(60, TimeUnit.SECONDS);
        if (r.isValid()) {
          valid++;
        } else {
          refusals.merge(((ValidationResult.Invalid) r).code(), 1, Integer::sum);
        }
      }
      assertEquals(1, valid);
      assertEquals(Map.of(ErrorCode.TOKEN_REPLAYED, PRESENTATIONS - 1), refusals);
    } finally {
      pool.shutdownNow();
    }
  }

  private static final BigInteger P256_ORDER = new BigInteger(
      "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  /** The same JWS with its ES256 signature's s replaced by n - s. */
  static String negateEcdsaS(String token) {
    int dot = token.lastIndexOf('.');
    byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    byte[] negated = P256_ORDER.subtract(s).toByteArray();
    byte[] out = sig.clone();
    java.util.Arrays.fill(out, 32, 64, (byte) 0);
    int len = Math.min(negated.length, 32);
    System.arraycopy(negated, negated.length - len, out, 64 - len, len);
    return token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }
}
