package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The in-memory guard's own rules, on an injected clock: expiry to the millisecond, bound, fail closed. */
class InMemoryReplayGuardTest {
  private final MutableClock clock = new MutableClock(NOW);

  private InMemoryReplayGuard guard(int maximumEntries) {
    return InMemoryReplayGuard.builder().maximumEntries(maximumEntries).clock(clock).build();
  }

  @Test
  void tryRecord_untilKeepUntil_reportsReplay_thenExpires() throws Exception {
    InMemoryReplayGuard guard = guard(10);
    Instant keepUntil = NOW.plus(Duration.ofMinutes(6));

    assertTrue(guard.tryRecord("k", keepUntil));
    clock.set(keepUntil.minusMillis(1));
    assertFalse(guard.tryRecord("k", keepUntil));
    clock.set(keepUntil);
    assertTrue(guard.tryRecord("k", keepUntil.plusSeconds(60)), "expired at keepUntil exactly");
    assertEquals(1, guard.size());
  }

  @Test
  void tryRecord_fullOfUnexpiredEntries_throwsInsteadOfForgetting() throws Exception {
    InMemoryReplayGuard guard = guard(3);
    for (int i = 0; i < 3; i++) {
      assertTrue(guard.tryRecord("k" + i, NOW.plusSeconds(60 + i)));
    }

    assertThrows(ReplayGuardException.class, () -> guard.tryRecord("new", NOW.plusSeconds(60)));
    // Every recorded key is still a replay: nothing was forgotten to make room.
    for (int i = 0; i < 3; i++) {
      assertFalse(guard.tryRecord("k" + i, NOW.plusSeconds(60)));
    }
    assertEquals(3, guard.size());
  }

  @Test
  void tryRecord_fullWithExpiredEntries_purgesThemAndRecords() throws Exception {
    InMemoryReplayGuard guard = guard(3);
    guard.tryRecord("short", NOW.plusSeconds(10));
    guard.tryRecord("long-1", NOW.plusSeconds(100));
    guard.tryRecord("long-2", NOW.plusSeconds(100));
    clock.advance(Duration.ofSeconds(10));

    assertTrue(guard.tryRecord("new", NOW.plusSeconds(100)));
    assertEquals(3, guard.size());
    assertThrows(ReplayGuardException.class, () -> guard.tryRecord("newer", NOW.plusSeconds(100)));
    assertFalse(guard.tryRecord("long-1", NOW.plusSeconds(100)));
  }

  @Test
  void validate_guardFull_returnsUnavailable_andReplaysStillRefused() {
    InMemoryReplayGuard guard = guard(1);
    TestIssuer issuer = Fixtures.issuer();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();
    String first = issuer.token().subject("alice").sign();
    String second = issuer.token().subject("bob").sign();
    Expectations login = Expectations.builder().oneTimeUse(guard).build();

    Fixtures.assertValid(validator.validate(first, login));
    ValidationResult full = validator.validate(second, login);

    assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE,
        ((ValidationResult.Unavailable) full).error().code());
    Fixtures.assertInvalid(validator.validate(first, login), ErrorCode.TOKEN_REPLAYED);
  }

  /** Eight threads race over more keys than fit: no key is ever accepted twice, the bound holds. */
  @Test
  void tryRecord_concurrentOverfill_eachKeyAtMostOnce_neverAboveTheBound() throws Exception {
    InMemoryReplayGuard guard = guard(100);
    int keys = 300;
    int threads = 8;
    AtomicIntegerArray accepted = new AtomicIntegerArray(keys);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> refusals = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int seed = t;
        refusals.add(pool.submit(() -> {
          List<Integer> order = new ArrayList<>();
          for (int k = 0; k < keys; k++) {
            order.add(k);
          }
          Collections.shuffle(order, new Random(seed));
          start.await();
          int refused = 0;
          for (int k : order) {
            try {
              if (guard.tryRecord("k" + k, NOW.plusSeconds(60))) {
                accepted.incrementAndGet(k);
              }
            } catch (ReplayGuardException e) {
              refused++;
            }
          }
          return refused;
        }));
      }
      start.countDown();
      int refusedTotal = 0;
      for (Future<Integer> f : refusals) {
        refusedTotal += f.get(60, TimeUnit.SECONDS);
      }
      int acceptedTotal = 0;
      for (int k = 0; k < keys; k++) {
        assertTrue(accepted.get(k) <= 1, "key accepted twice: k" + k);
        acceptedTotal += accepted.get(k);
      }
      assertTrue(acceptedTotal <= 100 && guard.size() <= 100, "bound exceeded: " + acceptedTotal);
      assertEquals(acceptedTotal, guard.size());
      assertTrue(refusedTotal >= keys - 100, "refusals: " + refusedTotal);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void builder_outOfRange_throwsNamingTheOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InMemoryReplayGuard.builder().maximumEntries(0));
    assertTrue(e.getMessage().contains("maximumEntries"));
    assertThrows(IllegalArgumentException.class,
        () -> InMemoryReplayGuard.builder().maximumEntries(InMemoryReplayGuard.MAX_MAXIMUM_ENTRIES + 1));
    assertThrows(NullPointerException.class, () -> InMemoryReplayGuard.builder().clock(null));
  }
}
