package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.RefreshState.Action;
import dev.idtoken.jwks.RefreshState.Decision;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The refresh and throttle decisions alone, over simulated time: no I/O, no threads. */
class RefreshStateTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final long COOLDOWN = 30 * S;
  private static final long BACKOFF = 1 * S;
  private static final long MAX_BACKOFF = 60 * S;
  private static final long DEADLINE = 14 * S;
  private static final long MAX_WAIT = 2 * S;
  private static final long TTL_REFRESH = 12 * 60 * S; // refresh-ahead point of a 15-minute TTL

  private long now = 5 * S;

  private static RefreshState machine(boolean timers) {
    return new RefreshState(COOLDOWN, BACKOFF, MAX_BACKOFF, DEADLINE, MAX_WAIT, timers);
  }

  /** A machine whose first load succeeded at {@link #now}. */
  private RefreshState loaded(boolean timers) {
    RefreshState state = machine(timers);
    Decision first = state.poll(now);
    assertEquals(Action.START, first.action());
    assertTrue(state.succeeded(first.fetch(), now + TTL_REFRESH));
    return state;
  }

  private static void assertDecision(Action action, Decision decision) {
    assertEquals(action, decision == null ? null : decision.action(), () -> "decision " + decision);
  }

  @Test
  void poll_new_startsFirstLoadOnceAndWakesAtItsDeadline() {
    RefreshState state = machine(true);
    assertEquals(0, state.wakeUpDelay(now));
    Decision first = state.poll(now);
    assertDecision(Action.START, first);
    assertEquals(1, first.fetch());
    assertEquals(RefreshState.Reason.FIRST_LOAD, state.inFlightReason());
    assertNull(state.poll(now), "one fetch at a time");
    assertEquals(DEADLINE, state.wakeUpDelay(now));
  }

  @Test
  void poll_freshKeys_nothingUntilRefreshAheadThenOneRefresh() {
    RefreshState state = loaded(false);
    assertEquals(TTL_REFRESH, state.wakeUpDelay(now));
    assertNull(state.poll(now + TTL_REFRESH - 1));
    Decision refresh = state.poll(now + TTL_REFRESH);
    assertDecision(Action.START, refresh);
    assertEquals(RefreshState.Reason.REFRESH, state.inFlightReason());
    assertNull(state.poll(now + TTL_REFRESH));
  }

  @Test
  void unknownKid_firstOne_startsAFetchThatConfirmsItAbsent() {
    RefreshState state = loaded(false);
    long seen = state.lastStarted();
    assertFalse(state.confirmsAbsent(seen), "the keys came from a fetch that started before the kid was seen");
    Decision fetch = state.unknownKid(now);
    assertDecision(Action.START, fetch);
    assertEquals(RefreshState.Reason.UNKNOWN_KID, state.inFlightReason());
    assertDecision(Action.JOIN, state.unknownKid(now));
    assertTrue(state.succeeded(fetch.fetch(), now + TTL_REFRESH));
    assertTrue(state.confirmsAbsent(seen));
    assertFalse(state.confirmsAbsent(state.lastStarted()), "a kid seen after that fetch started");
  }

  @Test
  void unknownKid_withinCooldown_unavailableForTheRestOfItWithoutTimers() {
    RefreshState state = loaded(false);
    Decision fetch = state.unknownKid(now);
    state.succeeded(fetch.fetch(), now + TTL_REFRESH);

    now += 10 * S;
    Decision later = state.unknownKid(now);
    assertDecision(Action.UNAVAILABLE, later);
    assertEquals(COOLDOWN - 10 * S, later.delay());
    now += COOLDOWN - 10 * S - 1;
    assertEquals(1, state.unknownKid(now).delay());
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now));
  }

  @Test
  void unknownKid_withinCooldown_fetchStartsAtItsEndWithoutAnotherCall() {
    RefreshState state = loaded(true);
    long cooldownStart = now;
    state.succeeded(state.unknownKid(now).fetch(), now + TTL_REFRESH);

    now += 1 * S;
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now)); // 29 s away: beyond the wait bound
    assertEquals(COOLDOWN - 1 * S, state.wakeUpDelay(now));
    assertNull(state.poll(cooldownStart + COOLDOWN - 1));
    Decision due = state.poll(cooldownStart + COOLDOWN);
    assertDecision(Action.START, due);
    assertEquals(RefreshState.Reason.UNKNOWN_KID, state.inFlightReason());
    assertTrue(state.succeeded(due.fetch(), now + TTL_REFRESH));
    assertEquals(TTL_REFRESH - COOLDOWN + 1 * S, state.wakeUpDelay(cooldownStart + COOLDOWN),
        "once served, only the refresh-ahead is pending");
  }

  @Test
  void unknownKid_waitingWhenTheSourceWouldPark_notParkedAndItsFetchStarts() {
    long idleAfter = 10 * S; // shorter than the cooldown: the kid's fetch comes due after it
    RefreshState state = new RefreshState(COOLDOWN, BACKOFF, MAX_BACKOFF, DEADLINE, MAX_WAIT, true, false, idleAfter);
    Decision first = state.poll(now);
    assertTrue(state.succeeded(first.fetch(), now + TTL_REFRESH));
    long lastCall = now;
    state.succeeded(state.unknownKid(now).fetch(), now + TTL_REFRESH);
    now += 1 * S;
    lastCall = now;
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now)); // waits for the cooldown's end

    long due = lastCall - 1 * S + COOLDOWN;
    assertTrue(due - lastCall > idleAfter, "the fetch comes due after the source went idle");
    assertTrue(!state.parked(due, lastCall), "a waiting kid is traffic");
    assertDecision(Action.START, state.poll(due, lastCall));
    assertTrue(state.inFlightServesUnknownKid());
  }

  @Test
  void unknownKid_fetchDueWithinMaxWaitAndTimersRun_waitNext() {
    RefreshState state = loaded(true);
    state.succeeded(state.unknownKid(now).fetch(), now + TTL_REFRESH);
    Decision wait = state.unknownKid(now + COOLDOWN - MAX_WAIT);
    assertDecision(Action.WAIT_NEXT, wait);
    assertEquals(MAX_WAIT, wait.delay());
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now + COOLDOWN - MAX_WAIT - 1));
    assertDecision(Action.UNAVAILABLE, loadedWithoutTimersAfterOneUnknownKidFetch().unknownKid(now + COOLDOWN - 1));
  }

  private RefreshState loadedWithoutTimersAfterOneUnknownKidFetch() {
    RefreshState state = loaded(false);
    state.succeeded(state.unknownKid(now).fetch(), now + TTL_REFRESH);
    return state;
  }

  @Test
  void unknownKid_floodOverTenCooldowns_atMostOneFetchPerCooldown() {
    RefreshState state = loaded(true);
    long start = now;
    long lastStart = Long.MIN_VALUE;
    int fetches = 0;
    for (long t = start; t - start < 10 * COOLDOWN; t += 3 * MS) { // 100,000 unknown kids
      Decision polled = state.poll(t);
      Decision decision = polled != null ? polled : state.unknownKid(t);
      if (decision.action() == Action.START) {
        assertTrue(lastStart == Long.MIN_VALUE || t - lastStart >= COOLDOWN, "fetches " + lastStart + ", " + t);
        lastStart = t;
        fetches++;
        assertTrue(state.succeeded(decision.fetch(), t + TTL_REFRESH * 10));
      }
    }
    assertEquals(10, fetches);
  }

  @Test
  void unknownKid_afterAFailedFetch_retriedOnTheBackoffNotTheCooldown() {
    RefreshState state = loaded(true);
    Decision fetch = state.unknownKid(now);
    assertTrue(state.failed(fetch.fetch(), now));
    assertEquals(1, state.failures());
    assertFalse(state.confirmsAbsent(0), "nothing is confirmed absent while fetches fail");

    Decision early = state.unknownKid(now + 500 * MS);
    assertDecision(Action.WAIT_NEXT, early);
    assertEquals(500 * MS, early.delay());
    // The kid waits: the retry starts at the backoff's end without a call.
    assertEquals(BACKOFF, state.wakeUpDelay(now));
    Decision retry = state.poll(now + BACKOFF);
    assertDecision(Action.START, retry);
    assertTrue(state.failed(retry.fetch(), now + BACKOFF));
    // Second failure: 2 s; and the kid still waits, so it is retried again without a call.
    assertEquals(2 * S, state.wakeUpDelay(now + BACKOFF));
    assertNull(state.poll(now + 3 * S - 1));
    Decision third = state.poll(now + 3 * S);
    assertDecision(Action.START, third);
    assertTrue(state.succeeded(third.fetch(), now + TTL_REFRESH));
    assertEquals(0, state.failures());
  }

  @Test
  void poll_refreshFailsWithFreshKeys_noRetryUntilSomethingNeedsIt() {
    RefreshState state = loaded(true);
    long refreshAt = now + TTL_REFRESH;
    Decision refresh = state.poll(refreshAt);
    assertTrue(state.failed(refresh.fetch(), refreshAt));
    assertNull(state.poll(refreshAt + BACKOFF - 1));
    assertDecision(Action.START, state.poll(refreshAt + BACKOFF)); // past refresh-ahead: retried
    assertEquals(RefreshState.Reason.RETRY, state.inFlightReason());
  }

  @Test
  void backoff_doublesUpToTheMaximum() {
    RefreshState state = machine(true);
    long t = now;
    long[] expected = {1, 2, 4, 8, 16, 32, 60, 60};
    for (long seconds : expected) {
      Decision fetch = state.keysMissing(t);
      assertDecision(Action.START, fetch);
      assertTrue(state.failed(fetch.fetch(), t));
      assertEquals(seconds * S, state.backoffDelay(t));
      Decision refused = state.keysMissing(t + seconds * S - 1);
      assertDecision(Action.UNAVAILABLE, refused);
      assertEquals(1, refused.delay());
      t += seconds * S;
    }
  }

  @Test
  void keysMissing_joinsTheFetchInFlight() {
    RefreshState state = machine(false);
    Decision first = state.poll(now);
    Decision join = state.keysMissing(now);
    assertDecision(Action.JOIN, join);
    assertEquals(first.fetch(), join.fetch());
  }

  @Test
  void poll_fetchPastItsDeadline_lostThenItsLateOutcomeIsRefused() {
    RefreshState state = machine(true);
    Decision first = state.poll(now);
    assertNull(state.poll(now + DEADLINE - 1));
    Decision lost = state.poll(now + DEADLINE);
    assertDecision(Action.LOST, lost);
    assertEquals(now + DEADLINE, state.deadlineOf(lost.fetch()));
    assertTrue(state.failed(lost.fetch(), now + DEADLINE));
    assertFalse(state.succeeded(first.fetch(), now + TTL_REFRESH), "the given-up fetch completing late");
    assertFalse(state.failed(first.fetch(), now + DEADLINE));
    assertEquals(1, state.failures());
    assertDecision(Action.START, state.poll(now + DEADLINE + BACKOFF));
  }

  @Test
  void refreshNow_ignoresBackoffAndCooldown() {
    RefreshState state = loaded(false);
    state.failed(state.unknownKid(now).fetch(), now);
    assertDecision(Action.UNAVAILABLE, state.keysMissing(now));
    Decision manual = state.refreshNow(now);
    assertDecision(Action.START, manual);
    assertEquals(RefreshState.Reason.MANUAL, state.inFlightReason());
    assertDecision(Action.JOIN, state.refreshNow(now));
  }

  @Test
  void close_everyDecisionRefusedAndNothingPending() {
    RefreshState state = loaded(true);
    Decision fetch = state.unknownKid(now);
    state.close();
    assertTrue(state.closed());
    assertNull(state.poll(now + TTL_REFRESH));
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now));
    assertDecision(Action.UNAVAILABLE, state.keysMissing(now));
    assertDecision(Action.UNAVAILABLE, state.refreshNow(now));
    assertFalse(state.succeeded(fetch.fetch(), now));
    assertEquals(-1, state.wakeUpDelay(now));
  }

  @Test
  void decisions_tickerNearOverflow_compareByDifference() {
    now = Long.MAX_VALUE - 10 * S;
    RefreshState state = loaded(true);
    state.succeeded(state.unknownKid(now).fetch(), now + TTL_REFRESH); // refreshAt wraps negative
    assertNull(state.poll(now + 20 * S));
    assertDecision(Action.UNAVAILABLE, state.unknownKid(now + 20 * S));
    assertDecision(Action.START, state.unknownKid(now + COOLDOWN));
  }

  /**
   * Random walks over events and time, checking the invariants every step: one fetch at a time; a
   * throttled fetch never starts before the cooldown or backoff allows; absence is confirmed only by
   * a later fetch; a pending wake-up is never in the past.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomWalk_invariantsHold(long seed) {
    Random random = new Random(seed);
    RefreshState state = machine(random.nextBoolean());
    long t = now;
    long inFlight = 0;
    long lastUnknownKidStart = Long.MIN_VALUE;
    long keysFetch = 0;
    for (int step = 0; step < 20_000; step++) {
      t += random.nextInt(4) == 0 ? random.nextInt(40) * S : random.nextInt(500) * MS;
      int failuresBefore = state.failures();
      long backoffBefore = state.backoffDelay(t);
      Decision d;
      switch (random.nextInt(6)) {
        case 0: d = state.poll(t); break;
        case 1: case 2: d = state.unknownKid(t); break;
        case 3: d = state.keysMissing(t); break;
        case 4: d = random.nextInt(10) == 0 ? state.refreshNow(t) : null; break;
        default:
          if (inFlight != 0) {
            if (random.nextBoolean()) {
              assertTrue(state.succeeded(inFlight, t + random.nextInt(3600) * S));
              keysFetch = inFlight;
            } else {
              assertTrue(state.failed(inFlight, t));
            }
            inFlight = 0;
          }
          d = null;
      }
      if (d != null && d.action() == Action.START) {
        assertEquals(0, inFlight, "two fetches in flight");
        inFlight = d.fetch();
        if (state.inFlightReason() == RefreshState.Reason.UNKNOWN_KID) {
          if (failuresBefore == 0) {
            assertTrue(lastUnknownKidStart == Long.MIN_VALUE || t - lastUnknownKidStart >= COOLDOWN);
          } else {
            assertEquals(0, backoffBefore, "an unknown-kid retry before the backoff allowed it");
          }
          lastUnknownKidStart = t;
        }
      } else if (d != null && d.action() == Action.LOST) {
        assertTrue(state.failed(d.fetch(), state.deadlineOf(d.fetch())));
        inFlight = 0;
      } else if (d != null && (d.action() == Action.JOIN)) {
        assertEquals(inFlight, d.fetch());
      } else if (d != null) {
        assertTrue(d.delay() >= 0);
      }
      assertEquals(inFlight, state.inFlight());
      assertEquals(keysFetch, state.keysFetch());
      long seen = random.nextInt((int) state.lastStarted() + 1);
      assertEquals(state.failures() == 0 && keysFetch > seen, state.confirmsAbsent(seen));
      assertTrue(state.wakeUpDelay(t) >= 0);
    }
  }
}
