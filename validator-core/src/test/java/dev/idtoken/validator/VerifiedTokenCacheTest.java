package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.NOW;
import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The verified-token cache's safety rules: a hit gives what a cold validation would, never outlives
 * exp, re-runs every per-call check, dies with its key, and needs the exact token.
 */
class VerifiedTokenCacheTest {
  private static final Duration SKEW = IdTokenValidator.DEFAULT_CLOCK_SKEW;

  private final MutableClock clock = new MutableClock(NOW);
  private final TestIssuer issuer = Fixtures.issuer().withClock(clock);

  private IdTokenValidator.Builder builder(KeySource keys) {
    return IdTokenValidator.builder()
        .issuer(issuer.issuer())
        .clientId(issuer.clientId())
        .keySource(keys)
        .clock(clock);
  }

  private IdTokenValidator cached(KeySource keys) {
    return builder(keys).cacheVerifiedTokens(100).build();
  }

  private IdTokenValidator cached() {
    return cached(Fixtures.liveKeys(issuer));
  }

  /** Validates twice and asserts the second call was a hit (the cached result is returned as is). */
  private ValidationResult.Valid validateTwice(IdTokenValidator validator, String token, Expectations e) {
    ValidationResult first = validator.validate(token, e);
    assertValid(first);
    ValidationResult second = validator.validate(token, e);
    assertSame(first, second, "second validation should be a cache hit");
    return (ValidationResult.Valid) second;
  }

  private static int cacheSize(IdTokenValidator validator) {
    return validator.verifiedTokenCache().size();
  }

  @Test
  void validate_sameTokenTwice_secondIsHit() {
    IdTokenValidator validator = cached();
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());
    assertEquals(1, cacheSize(validator));
  }

  @Test
  void validate_withoutCache_neverReturnsSameResult() {
    IdTokenValidator validator = builder(Fixtures.liveKeys(issuer)).build();
    String token = issuer.token().sign();
    assertNotSame(validator.validate(token), validator.validate(token));
    assertNull(validator.verifiedTokenCache());
  }

  @Test
  void validate_hitAfterClockPassesExp_returnsExpiredOnceBeyondSkew() {
    IdTokenValidator validator = cached();
    Instant exp = NOW.plus(Duration.ofMinutes(5));
    String token = issuer.token().expiresAt(exp).sign();
    validateTwice(validator, token, Expectations.none());

    clock.set(exp.minusSeconds(1));
    assertSame(validator.validate(token), validator.validate(token), "still a hit one second before exp");

    // From exp on the entry is gone: the skew is granted by cold validations only, which do not
    // cache again.
    clock.set(exp);
    ValidationResult atExp = validator.validate(token);
    assertValid(atExp);
    assertEquals(0, cacheSize(validator));
    assertNotSame(atExp, validator.validate(token));
    assertEquals(0, cacheSize(validator));

    clock.set(exp.plus(SKEW));
    assertInvalid(validator.validate(token), ErrorCode.EXPIRED);
  }

  @Test
  void validate_hitAfterClockMovesBackBeforeNbf_returnsNotYetValid() {
    IdTokenValidator validator = cached();
    String token = issuer.token().notBefore(NOW).sign();
    validateTwice(validator, token, Expectations.none());
    clock.set(NOW.minus(SKEW).minusSeconds(1));
    assertInvalid(validator.validate(token), ErrorCode.NOT_YET_VALID, ErrorCode.ISSUED_IN_FUTURE);
  }

  @Test
  void validate_hitAfterMaxTokenAgePasses_returnsTokenTooOld() {
    IdTokenValidator validator = builder(Fixtures.liveKeys(issuer))
        .maxTokenAge(Duration.ofMinutes(1)).cacheVerifiedTokens(10).build();
    String token = issuer.token().expiresAt(NOW.plus(Duration.ofHours(1))).sign();
    validateTwice(validator, token, Expectations.none());
    clock.advance(Duration.ofMinutes(1).plus(SKEW).plusSeconds(1));
    assertInvalid(validator.validate(token), ErrorCode.TOKEN_TOO_OLD);
  }

  @Test
  void validate_hitWithOtherNonce_returnsNonceMismatch() {
    IdTokenValidator validator = cached();
    String token = issuer.token().nonce("n-0S6_WzA2Mj").sign();
    validateTwice(validator, token, Expectations.nonce("n-0S6_WzA2Mj"));
    assertInvalid(validator.validate(token, Expectations.nonce("another-nonce")), ErrorCode.NONCE_MISMATCH);
    // The entry survives a mismatch: the token is still valid for the request that sent its nonce.
    assertValid(validator.validate(token, Expectations.nonce("n-0S6_WzA2Mj")));
  }

  @Test
  void validate_hitOfTokenWithoutNonce_whenNonceExpected_returnsMissingClaim() {
    IdTokenValidator validator = cached();
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());
    ValidationResult result = validator.validate(token, Expectations.nonce("expected"));
    assertInvalid(result, ErrorCode.MISSING_CLAIM);
    assertEquals("nonce", ((ValidationResult.Invalid) result).errors().get(0).claim());
  }

  @Test
  void validate_hit_rechecksMaxAgeAcrAndHashes() {
    IdTokenValidator validator = cached();
    String token = issuer.token().authTime(NOW.minus(Duration.ofMinutes(10)))
        .claim("acr", "urn:loa:2").accessTokenHash("access-1")
        .codeHash("code-1").stateHash("state-1").sign();
    validateTwice(validator, token, Expectations.none());

    assertInvalid(validator.validate(token, Expectations.builder().maxAge(Duration.ofMinutes(5)).build()),
        ErrorCode.AUTHENTICATION_TOO_OLD);
    assertInvalid(validator.validate(token, Expectations.builder().acceptedAcrValues("urn:loa:3").build()),
        ErrorCode.ACR_NOT_ACCEPTED);
    assertInvalid(validator.validate(token, Expectations.builder().accessToken("access-2").build()),
        ErrorCode.AT_HASH_MISMATCH);
    assertInvalid(validator.validate(token, Expectations.builder().authorizationCode("code-2").build()),
        ErrorCode.C_HASH_MISMATCH);
    assertInvalid(validator.validate(token, Expectations.builder().state("state-2").build()),
        ErrorCode.S_HASH_MISMATCH);
    Expectations all = Expectations.builder().maxAge(Duration.ofMinutes(10)).acceptedAcrValues("urn:loa:2")
        .accessToken("access-1").authorizationCode("code-1").state("state-1").build();
    assertSame(validator.validate(token), validator.validate(token, all));
  }

  /** For a grid of clock positions and expectations, a hit reports exactly what a cold validation does. */
  @Test
  void validate_hitAndColdValidation_agreeEverywhere() {
    IdTokenValidator withCache = cached();
    IdTokenValidator cold = builder(Fixtures.liveKeys(issuer)).build();
    String token = issuer.token().nonce("n1").claim("acr", "a1").accessTokenHash("at")
        .notBefore(NOW.minusSeconds(30)).sign();
    List<Expectations> expectations = List.of(Expectations.none(), Expectations.nonce("n1"),
        Expectations.nonce("n2"),
        Expectations.builder().nonce("n2").acceptedAcrValues("a2").accessToken("other")
            .maxAge(Duration.ofSeconds(1)).build(),
        Expectations.builder().accessToken("at").acceptedAcrValues("a1", "a2").build());
    long[] offsets = {-200, -91, -90, 0, 60, 299, 300, 301, 359, 360, 361, 7200};
    for (long offset : offsets) {
      for (Expectations e : expectations) {
        clock.set(NOW);
        withCache.validate(token); // (re)fills the cache while the token is fresh
        clock.set(NOW.plusSeconds(offset));
        ValidationResult hit = withCache.validate(token, e);
        ValidationResult expected = cold.validate(token, e);
        assertEquals(codes(expected), codes(hit), "offset " + offset);
      }
    }
  }

  private static List<String> codes(ValidationResult result) {
    if (result instanceof ValidationResult.Invalid) {
      return ((ValidationResult.Invalid) result).errors().stream().map(Object::toString).toList();
    }
    return List.of(result.getClass().getSimpleName());
  }

  @Test
  void validate_hitAfterVerifyingKeyRemoved_returnsKeyNotFoundAndDropsEntry() {
    IdTokenValidator validator = cached();
    TestKey first = issuer.signingKey();
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());

    issuer.rotate();
    assertSame(validator.validate(token), validator.validate(token), "still published: still a hit");
    issuer.removeKey(first.kid());
    assertInvalid(validator.validate(token), ErrorCode.KEY_NOT_FOUND);
    assertEquals(0, cacheSize(validator));
  }

  @Test
  void validate_hitAfterKeyReplacedUnderSameKid_returnsSignatureInvalid() {
    AtomicReference<KeySet> keys = new AtomicReference<>(KeySet.of(
        VerificationKey.of(issuer.signingKey().kid(), issuer.signingKey().publicKey())));
    IdTokenValidator validator = cached((kid, alg) -> keys.get().keys(kid, alg));
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());

    TestKey impostor = TestKey.rsa(2048);
    keys.set(KeySet.of(VerificationKey.of(issuer.signingKey().kid(), impostor.publicKey())));
    assertInvalid(validator.validate(token), ErrorCode.SIGNATURE_INVALID);
    assertEquals(0, cacheSize(validator));
  }

  @Test
  void validate_hitWhenKeySourceReturnsEqualNewKeyObject_isHit() {
    // A remote source re-parses its JWKS on refresh: new objects, same keys. That must still hit.
    IdTokenValidator validator = cached(Fixtures.liveKeys(issuer));
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());
    assertSame(validator.validate(token), validator.validate(token));
  }

  @Test
  void validate_hitWhenKeySourceFails_returnsUnavailableAndDropsEntry() {
    AtomicBoolean down = new AtomicBoolean();
    KeySource live = Fixtures.liveKeys(issuer);
    IdTokenValidator validator = cached((kid, alg) -> {
      if (down.get()) {
        throw new KeySourceException("down");
      }
      return live.keys(kid, alg);
    });
    String token = issuer.token().sign();
    validateTwice(validator, token, Expectations.none());
    down.set(true);
    assertInstanceOf(ValidationResult.Unavailable.class, validator.validate(token));
    assertEquals(0, cacheSize(validator));
  }

  @Test
  void validate_hitOfTokenWithoutKid_whenKeyFallsOutOfTriedKeys_failsLikeColdValidation() {
    TestKey signer = issuer.signingKey();
    AtomicReference<List<VerificationKey>> keys = new AtomicReference<>(
        List.of(VerificationKey.of(null, signer.publicKey())));
    KeySource source = (kid, alg) -> keys.get();
    IdTokenValidator validator = cached(source);
    IdTokenValidator cold = builder(source).build();
    String token = issuer.token().removeHeader("kid").sign();
    validateTwice(validator, token, Expectations.none());

    List<VerificationKey> more = new ArrayList<>();
    for (int i = 0; i < JwsVerifier.MAX_KEYS_TRIED; i++) {
      more.add(VerificationKey.of(null, TestKey.rsa(2048).publicKey()));
    }
    more.add(VerificationKey.of(null, signer.publicKey()));
    keys.set(List.copyOf(more));
    assertInvalid(cold.validate(token), ErrorCode.SIGNATURE_INVALID);
    assertInvalid(validator.validate(token), ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void validate_tokenDifferingInOneCharacter_neverHits() {
    IdTokenValidator validator = cached();
    String token = issuer.token().nonce("abc").sign();
    ValidationResult.Valid cachedResult = validateTwice(validator, token, Expectations.none());
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        continue;
      }
      char other = alphabet.charAt((alphabet.indexOf(c) + 1 + i % 63) % 64);
      String altered = token.substring(0, i) + other + token.substring(i + 1);
      ValidationResult result = validator.validate(altered);
      assertNotSame(cachedResult, result, "hit at index " + i);
      assertFalse(result.isValid(), "altered token valid at index " + i);
    }
    assertEquals(1, cacheSize(validator), "no altered token was cached");
  }

  @Test
  void get_tokenWithSameHashButOtherPrefix_misses() {
    VerifiedTokenCache cache = new VerifiedTokenCache(16);
    String token = issuer.token().sign();
    ValidationResult.Valid valid = assertInstanceOf(ValidationResult.Valid.class, cached().validate(token));
    cache.put(token, valid, JwsAlgorithm.RS256, null, null);
    String sameTail = "x" + token.substring(1); // same length and last characters: same hash
    assertEquals(VerifiedTokenCache.hash(token), VerifiedTokenCache.hash(sameTail));
    assertNull(cache.get(sameTail));
    assertSame(valid, cache.get(new String(token.toCharArray())).result);
  }

  @Test
  void validate_invalidToken_isNotCached() {
    IdTokenValidator validator = cached();
    String token = issuer.token().audience("someone-else").sign();
    assertInvalid(validator.validate(token), ErrorCode.AUDIENCE_MISMATCH);
    assertEquals(0, cacheSize(validator));
  }

  @Test
  void validate_tokenOnlyValidThroughSkew_isNotCached() {
    IdTokenValidator validator = cached();
    String token = issuer.token().expiresAt(NOW.minusSeconds(10)).sign();
    assertValid(validator.validate(token));
    assertEquals(0, cacheSize(validator));
  }

  @Test
  void put_beyondCapacity_staysBoundedAndReplacesEarliestExpiry() {
    VerifiedTokenCache cache = new VerifiedTokenCache(8); // one set of eight
    IdTokenValidator validator = cached();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      String token = issuer.token().expiresAt(NOW.plusSeconds(600 - i)).sign();
      tokens.add(token);
      ValidationResult.Valid valid = assertInstanceOf(ValidationResult.Valid.class, validator.validate(token));
      cache.put(token, valid, JwsAlgorithm.RS256, null, null);
      assertTrue(cache.size() <= 8);
    }
    assertEquals(8, cache.size());
    // The ninth token expires first of all, so it replaced the eighth (the earliest among the full set).
    assertNull(cache.get(tokens.get(7)));
    assertTrue(cache.get(tokens.get(8)) != null && cache.get(tokens.get(0)) != null);
  }

  @Test
  void cache_manyTokens_neverHoldsMoreThanMaxEntries() {
    IdTokenValidator validator = builder(Fixtures.liveKeys(issuer)).cacheVerifiedTokens(20).build();
    TestKey ec = TestKey.ec("P-256");
    issuer.useSigningKey(ec);
    IdTokenValidator es = builder(Fixtures.liveKeys(issuer))
        .allowedAlgorithms(JwsAlgorithm.ES256).cacheVerifiedTokens(20).build();
    for (int i = 0; i < 100; i++) {
      assertValid(es.validate(issuer.token().subject("user-" + i).sign()));
      assertTrue(cacheSize(es) <= 20);
    }
    assertTrue(validator.verifiedTokenCache().capacity() <= 20);
  }

  @Test
  void validate_concurrentHitsAndMisses_allCorrect() throws Exception {
    IdTokenValidator validator = builder(Fixtures.liveKeys(issuer)).cacheVerifiedTokens(16).build();
    List<String> good = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      good.add(issuer.token().subject("user-" + i).sign());
    }
    String bad = issuer.token().audience("other").sign();
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          start.await();
          int wrong = 0;
          for (int round = 0; round < 3; round++) {
            for (int i = 0; i < good.size(); i++) {
              String token = good.get((i + offset * 5) % good.size());
              ValidationResult r = validator.validate(token);
              if (!r.isValid()
                  || !((ValidationResult.Valid) r).token().subject().equals(subjectOf(good, token))) {
                wrong++;
              }
              if (validator.validate(bad).isValid()) {
                wrong++;
              }
            }
          }
          return wrong;
        }));
      }
      start.countDown();
      for (Future<Integer> f : results) {
        assertEquals(0, f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(cacheSize(validator) <= 16);
  }

  private static String subjectOf(List<String> tokens, String token) {
    return "user-" + tokens.indexOf(token);
  }

  @Test
  void builder_cacheVerifiedTokensOutOfRange_throwsNamingOption() {
    IdTokenValidator.Builder b = builder(Fixtures.liveKeys(issuer));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.cacheVerifiedTokens(0));
    assertTrue(e.getMessage().contains("cacheVerifiedTokens"));
    assertThrows(IllegalArgumentException.class, () -> b.cacheVerifiedTokens(1024 * 1024 + 1));
  }
}
