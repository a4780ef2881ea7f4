package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Key rotation, the thundering herd, and floods of unknown kids. */
class RotationTest extends SourceTestSupport {

  @Test
  void validate_keyAddedThenOldKeyRemoved_newKidValidAfterOneFetchAndOldKidFailsAfterNextRefresh()
      throws Exception {
    TestKey a = issuer().signingKey();
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    assertValid(validator.validate(token(a)));
    assertEquals(1, provider.jwksRequests());

    TestKey b = issuer().rotate(); // the JWKS is now {A, B}, tokens are signed with B
    assertValid(validator.validate(token(b)));
    assertEquals(2, provider.jwksRequests(), "exactly one fetch for the new kid");
    assertValid(validator.validate(token(a)));
    assertValid(validator.validate(token(b)));
    assertEquals(2, provider.jwksRequests());

    issuer().removeKey(a.kid()); // the JWKS is now {B}
    ticker.advance(Duration.ofMinutes(13)); // past 80% of the default 15-minute TTL
    assertValid(validator.validate(token(a))); // still trusted: served while the refresh starts
    listener.awaitCompletions(3);
    assertEquals(3, provider.jwksRequests());

    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(token(a)));
    assertValid(validator.validate(token(b)));
    assertTrue(listener.events.contains("changed +[" + b.kid() + "] -[]"), listener.events::toString);
    assertTrue(listener.events.contains("changed +[] -[" + a.kid() + "]"), listener.events::toString);
  }

  @Test
  void validate_64ThreadsWithNewKidAtOnce_exactlyOneFetch() throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    issuer().rotate();
    String tokenB = token();

    int threads = 64;
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<ValidationResult>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return validator.validate(tokenB);
        }));
      }
      assertTrue(ready.await(10, TimeUnit.SECONDS));
      go.countDown();
      for (Future<ValidationResult> result : results) {
        assertValid(result.get(10, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, provider.jwksRequests(), "the initial fetch and one shared refresh");
  }

  @Test
  void validate_floodOfRandomKidsWithinOneCooldown_atMostOneFetchAndRotationPickedUpWithinCooldown()
      throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    String tokenA = token();
    int before = provider.jwksRequests();

    // 10,000 forged tokens with random kids from 8 threads while the ticker stands still (one
    // cooldown), interleaved with genuine tokens whose kid is known. A random kid is rejected only if
    // a fetch that started after it was first seen confirmed it absent; the others cannot be checked
    // within the cooldown and are "unavailable". None is ever valid.
    int threads = 8;
    int perThread = 1250;
    AtomicInteger rejected = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(() -> {
          for (int i = 0; i < perThread; i++) {
            ValidationResult result = validator.validate(forged(issuer(), UUID.randomUUID().toString()));
            if (result instanceof ValidationResult.Unavailable) {
              unavailable.incrementAndGet();
            } else {
              assertInvalid(ErrorCode.KEY_NOT_FOUND, result);
              rejected.incrementAndGet();
            }
            if (i % 250 == 0) {
              assertValid(validator.validate(tokenA));
            }
          }
          return null;
        });
      }
      for (Future<Void> done : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(10_000, rejected.get() + unavailable.get());
    assertTrue(rejected.get() >= 1, "the kid that started the fetch is confirmed absent by it");
    assertTrue(provider.jwksRequests() - before <= 1, "flood fetches: " + (provider.jwksRequests() - before));
    int afterFlood = provider.jwksRequests();

    // A genuine rotation right after the flood: "unavailable" (503), never KEY_NOT_FOUND (401), until
    // the cooldown has passed; then one fetch and valid.
    issuer().rotate();
    String tokenB = token();
    ticker.advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.minusSeconds(1));
    assertUnavailable(validator.validate(tokenB));
    assertEquals(afterFlood, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(tokenB));
    assertEquals(afterFlood + 1, provider.jwksRequests());
    assertValid(validator.validate(tokenA));
  }

  @Test
  void validate_kidConfirmedAbsent_notFetchedAgainWhileRemembered() throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> b.unknownKidTtl(Duration.ofMinutes(5))));

    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "retired")));
    assertEquals(2, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(31)); // past the cooldown
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "retired")));
    assertEquals(2, provider.jwksRequests(), "a remembered unknown kid costs no fetch");
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged(issuer(), "another")));
    assertEquals(3, provider.jwksRequests(), "a new unknown kid may refresh once the cooldown passed");
  }

  @Test
  void validate_unknownKidWhileProviderFails_unavailableNotInvalid() throws Exception {
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    String known = token();
    provider.down();

    assertUnavailable(validator.validate(forged(issuer(), "new-kid")));
    // Within the cooldown no new fetch, and still "could not check" while the last fetch failed.
    assertUnavailable(validator.validate(forged(issuer(), "other-kid")));
    assertEquals(2, provider.jwksRequests());
    assertValid(validator.validate(known));
  }

  @Test
  void validate_rememberedAbsentKid_invalidWhileProviderHealthyUnavailableWhileItFails() throws Exception {
    RemoteKeySource source = loadedSource(b -> {});
    IdTokenValidator validator = validator(source);
    String absent = forged(issuer(), "absent");
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(absent)); // fetched: not there, remembered
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(absent)); // from memory
    assertEquals(2, provider.jwksRequests());

    provider.failJwks(1, 500);
    assertThrows(ExecutionException.class, () -> source.refresh().get(5, TimeUnit.SECONDS));
    // The last fetch failed: an unknown kid cannot be checked, remembered (negative cache) or not
    // (rate-limited), so both are "could not check".
    assertUnavailable(validator.validate(absent));
    assertUnavailable(validator.validate(forged(issuer(), "other")));
    assertEquals(3, provider.jwksRequests());

    assertEquals(KeySourceHealth.Status.FRESH, source.refresh().get(5, TimeUnit.SECONDS).status());
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(absent));
    assertEquals(4, provider.jwksRequests(), "still remembered: no fetch");
  }
}
