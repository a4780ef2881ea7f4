package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A genuine key rotation is never answered 401: an unknown kid is rejected only once a fetch that
 * started after it was first seen confirmed it absent. Simulated time; the test kit's fake provider.
 */
class UnknownKidTest extends SourceTestSupport {
  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration COOLDOWN = RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN;

  @Test
  void validate_probeThenRotation_newKidNeverInvalidAndValidAtCooldownEndWithTwoFetches() throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    int loaded = provider.jwksRequests();

    // t=0: a probe with an unknown kid: one fetch, which confirms it absent.
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "probe")));
    assertEquals(loaded + 1, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    issuer().rotate(); // t=1 s: the provider publishes B and signs with it
    String tokenB = token();
    ticker.advance(Duration.ofSeconds(1));

    // From t=2 s, a token with the new kid every 100 ms.
    Duration elapsed = Duration.ofSeconds(2);
    ValidationResult result = validator.validate(tokenB);
    assertUnavailable(COOLDOWN.minus(elapsed), result); // retry when the next fetch is allowed
    while (!result.isValid()) {
      assertUnavailable(result); // never Invalid: a 503 the client retries, not a 401
      ticker.advance(STEP);
      elapsed = elapsed.plus(STEP);
      assertTrue(elapsed.compareTo(COOLDOWN) <= 0, "still not valid at " + elapsed);
      result = validator.validate(tokenB);
    }
    assertEquals(COOLDOWN, elapsed, "valid at the cooldown's end (the fetch takes no simulated time)");
    assertEquals(loaded + 2, provider.jwksRequests(), "the probe's fetch and one at the cooldown's end");
  }

  @Test
  void validate_unknownKidDuringCooldown_fetchStartsAtCooldownEndWithoutAnotherCall() throws Exception {
    IdTokenValidator validator = validator(loadedSource(this::withTimers));
    int loaded = provider.jwksRequests();
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "probe")));
    issuer().rotate();
    String tokenB = token();
    ticker.advance(Duration.ofSeconds(2));
    assertUnavailable(COOLDOWN.minusSeconds(2), validator.validate(tokenB));

    int done = listener.completions();
    ticker.advance(COOLDOWN.minusSeconds(2).minus(STEP));
    assertEquals(loaded + 1, provider.jwksRequests(), "not before the cooldown's end");
    ticker.advance(STEP); // the timer fires: no call is made
    listener.awaitCompletions(done + 1);
    assertEquals(loaded + 2, provider.jwksRequests());

    assertValid(validator.validate(tokenB));
    assertEquals(loaded + 2, provider.jwksRequests(), "answered from the fetch the timer made");
    assertEquals(1, timers.pending(), "only the refresh-ahead remains scheduled");
  }

  @Test
  void validate_fetchDueWithinMaxWait_callerWaitsForItAndIsValid() throws Exception {
    IdTokenValidator validator = validator(loadedSource(this::withTimers));
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "probe")));
    issuer().rotate();
    String tokenB = token();
    ticker.advance(COOLDOWN.minusSeconds(1)); // the next fetch is 1 s away, within the 3 s wait bound
    int requests = provider.jwksRequests();

    CompletableFuture<ValidationResult> waiting = CompletableFuture.supplyAsync(() -> validator.validate(tokenB));
    // Not a sleep: spin until the caller is parked on the coming fetch.
    while (!waiting.isDone() && Thread.getAllStackTraces().keySet().stream().noneMatch(UnknownKidTest::parkedInAwait)) {
      Thread.onSpinWait();
    }
    assertFalse(waiting.isDone(), () -> "answered without waiting: " + waiting.join());
    ticker.advance(Duration.ofSeconds(1)); // the timer starts the fetch
    assertValid(waiting.get(10, TimeUnit.SECONDS));
    assertEquals(requests + 1, provider.jwksRequests());
  }

  @Test
  void validate_floodOfRandomKidsThroughoutRotation_oneFetchPerCooldownAndNewKidValidWithinOne()
      throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    int loaded = provider.jwksRequests();
    String tokenA = token();
    String tokenB = null;
    Duration validAt = null;
    int flood = 10_000;
    int steps = 350; // 35 s of simulated time, ~29 random kids per 100 ms
    int sent = 0;
    for (int step = 0; step < steps; step++) {
      Duration t = STEP.multipliedBy(step);
      if (step == 10) {
        issuer().rotate(); // t=1 s
        tokenB = token();
      }
      for (int i = 0; i < flood / steps + (step < flood % steps ? 1 : 0); i++, sent++) {
        ValidationResult random = validator.validate(forged(issuer(), UUID.randomUUID().toString()));
        assertFalse(random.isValid());
      }
      // Known kids are answered from memory whatever the flood.
      assertValid(validator.validate(step < 10 ? tokenA : issuer().token().signWith(issuer().publishedKeys().get(0)).sign()));
      if (tokenB != null && step >= 20) {
        ValidationResult result = validator.validate(tokenB);
        if (result.isValid()) {
          validAt = validAt == null ? t : validAt;
        } else {
          assertTrue(validAt == null, "valid, then not: " + result);
          assertUnavailable(result);
        }
      }
      long cooldowns = t.toMillis() / COOLDOWN.toMillis() + 1;
      assertTrue(provider.jwksRequests() - loaded <= cooldowns,
          (provider.jwksRequests() - loaded) + " fetches by " + t);
      ticker.advance(STEP);
    }
    assertEquals(flood, sent);
    assertNotNull(validAt, "the new kid was never valid");
    assertTrue(validAt.compareTo(COOLDOWN) <= 0, "valid at " + validAt);
    assertEquals(loaded + 2, provider.jwksRequests());
  }

  @Test
  void validate_fetchFailsThenProviderHeals_newKidValidWithinTwoSecondsOfHealing() throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    int loaded = provider.jwksRequests();
    issuer().rotate();
    String tokenB = token();
    provider.failJwks(2, 500); // the fetches at t=0 and t=1 s fail; the provider is healthy after

    Duration elapsed = Duration.ZERO;
    Duration healedAt = null;
    ValidationResult result = validator.validate(tokenB);
    assertUnavailable(RemoteKeySource.DEFAULT_RETRY_BACKOFF, result); // not the 30 s cooldown
    while (!result.isValid()) {
      assertUnavailable(result);
      if (healedAt == null && provider.jwksRequests() == loaded + 2) {
        healedAt = elapsed; // the second failure was its last
      }
      ticker.advance(STEP);
      elapsed = elapsed.plus(STEP);
      assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "still not valid at " + elapsed);
      result = validator.validate(tokenB);
    }
    assertEquals(Duration.ofSeconds(1), healedAt);
    assertTrue(elapsed.minus(healedAt).compareTo(Duration.ofSeconds(2)) <= 0, "valid at " + elapsed);
    assertEquals(loaded + 3, provider.jwksRequests());
  }

  @Test
  void validate_rsaKidRepublishedAsEcKey_oneFetchThenValid() throws Exception {
    TestKey rsa = issuer().signingKey();
    IdTokenValidator validator = IdTokenValidator.builder().issuer(provider.issuerUrl()).clientId(CLIENT_ID)
        .allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.ES256).keySource(loadedSource(b -> {})).build();
    assertValid(validator.validate(token()));
    int loaded = provider.jwksRequests();

    // RFC 7517 lets a kid name keys of different types: the provider replaces its RSA key with an EC
    // key under the same kid. The cached RSA key cannot verify ES256: the kid counts as unknown.
    TestKey ec = TestKey.ec("P-256").withKid(rsa.kid());
    issuer().addKey(ec).useSigningKey(ec).removeKey(rsa.kid());
    issuer().addKey(ec);
    assertValid(validator.validate(token(ec)));
    assertEquals(loaded + 1, provider.jwksRequests());
    assertValid(validator.validate(token(ec)));
    assertEquals(loaded + 1, provider.jwksRequests());
  }

  @Test
  void validate_kidAbsentAtFirstLoad_rejectedOnlyByAFetchStartedAfterIt() throws Exception {
    ManualExecutor background = new ManualExecutor();
    IdTokenValidator validator = validator(source(b -> b.executor(background)));
    // The first fetch is queued (started before the token came); the token waits for it, then for
    // one of its own, which confirms the kid absent.
    CompletableFuture<ValidationResult> result =
        CompletableFuture.supplyAsync(() -> validator.validate(forged(issuer(), "absent")));
    background.awaitPending(1);
    background.runAll(); // the first fetch
    background.awaitPending(1);
    background.runAll(); // its response
    background.awaitPending(1);
    background.runAll(); // the response to the token's own fetch
    assertInvalid(ErrorCode.KEY_NOT_FOUND, result.get(10, TimeUnit.SECONDS));
    assertEquals(2, provider.jwksRequests());
  }

  private static boolean parkedInAwait(Thread thread) {
    if (thread.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    for (StackTraceElement frame : thread.getStackTrace()) {
      if (frame.getClassName().equals(RemoteKeySource.class.getName()) && frame.getMethodName().equals("await")) {
        return true;
      }
    }
    return false;
  }
}
