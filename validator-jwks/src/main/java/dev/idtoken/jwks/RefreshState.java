package dev.idtoken.jwks;

/**
 * Whether a remote key source should fetch its JWKS now: refresh-ahead, the retry backoff, the
 * unknown-{@code kid} throttle and the watchdog, as a pure state machine over ticker time. It decides
 * <em>whether</em> a fetch may start; the source (and, later, a scheduler shared by many sources)
 * decides how and <em>when</em> to carry the decision out, and reports back how the fetch ended.
 *
 * <p>Not thread-safe: the source calls it under its lock. No I/O, no threads and no clock of its own:
 * every method that depends on time takes the ticker reading. Ticker readings are compared by
 * difference only, as {@link System#nanoTime()} may wrap.
 *
 * <p>Fetches are numbered in the order they start, from 1. A {@code kid} that was first seen when
 * fetch <i>n</i> was the last one started can only be confirmed absent by fetch <i>n</i>+1 or later:
 * one whose request left after the token arrived, so that a key published just before the token was
 * signed is never missed (the rule that keeps a genuine rotation from being answered 401).
 */
final class RefreshState {
  /** What a caller should do. */
  enum Action {
    /** A fetch was started for this caller (see {@link Decision#fetch()}): start it, then wait for it. */
    START,
    /** Wait for the fetch in flight. */
    JOIN,
    /**
     * Wait, at most {@link Decision#delay()} plus the fetch time, for the next fetch, which a timer will
     * start; only offered when timers run and the delay is within the wait bound.
     */
    WAIT_NEXT,
    /** No fetch may start now: answer "unavailable", retry after {@link Decision#delay()}. */
    UNAVAILABLE,
    /** The fetch in flight outlived its deadline: fail it (as of its deadline), then poll again. */
    LOST
  }

  /**
   * A decision.
   *
   * @param fetch the number of the fetch to start or fail ({@link Action#START}, {@link Action#LOST}),
   *     or of the fetch in flight ({@link Action#JOIN}); 0 otherwise
   * @param delay nanoseconds until the next fetch may start ({@link Action#WAIT_NEXT},
   *     {@link Action#UNAVAILABLE}); 0 otherwise
   */
  record Decision(Action action, long fetch, long delay) {}

  /** Why a fetch was started; recorded for the throttle and reported in logs. */
  enum Reason { FIRST_LOAD, REFRESH, UNKNOWN_KID, MISSING_KEYS, RETRY, MANUAL }

  private final long cooldown;
  private final long backoff;
  private final long maxBackoff;
  private final long fetchDeadline;
  private final long maxWait;
  private final boolean timers;
  private final boolean scheduled;
  private final long idleAfter;

  private long started; // number of the last fetch started
  private long inFlight; // number of the fetch in flight, 0 when none
  private long inFlightSince;
  private boolean inFlightForUnknownKid;
  private Reason inFlightReason;
  private boolean inFlightQueued; // waiting in a scheduler's line: no deadline yet
  private long keysFetch; // number of the fetch that confirmed the cached keys, 0 when none
  private long refreshAt;
  private int failures;
  private long retryAt;
  private boolean unknownKidFetched;
  private long lastUnknownKidFetch;
  private boolean unknownKidWaiting; // a kid waits for a fetch that starts after it was seen
  private boolean closed;

  /**
   * @param timers whether something (a timer) carries out {@link #poll} at {@link #wakeUpDelay} without
   *     a call; without it, due fetches start on calls only and callers are never told to wait for one
   */
  RefreshState(long cooldown, long backoff, long maxBackoff, long fetchDeadline, long maxWait, boolean timers) {
    this(cooldown, backoff, maxBackoff, fetchDeadline, maxWait, timers, false, 0);
  }

  /**
   * @param scheduled whether fetches wait in a {@link FetchScheduler}'s line before they run: a
   *     fetch's deadline then starts at {@link #dispatched}, not when it is decided
   * @param idleAfter nanoseconds without a call after which refresh-ahead stops (0: never); see
   *     {@link #parked}
   */
  RefreshState(long cooldown, long backoff, long maxBackoff, long fetchDeadline, long maxWait, boolean timers,
      boolean scheduled, long idleAfter) {
    this.scheduled = scheduled;
    this.idleAfter = idleAfter;
    this.cooldown = cooldown;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.fetchDeadline = fetchDeadline;
    this.maxWait = maxWait;
    this.timers = timers;
  }

  /** The number of the last fetch started, 0 before the first. */
  long lastStarted() {
    return started;
  }

  /** The number of the fetch in flight, 0 when none. */
  long inFlight() {
    return inFlight;
  }

  /** Why the fetch in flight was started, or null. */
  Reason inFlightReason() {
    return inFlight == 0 ? null : inFlightReason;
  }

  /** The number of the fetch that confirmed the cached keys, 0 when there are none. */
  long keysFetch() {
    return keysFetch;
  }

  /** Failed fetches since the last success. */
  int failures() {
    return failures;
  }

  boolean closed() {
    return closed;
  }

  /**
   * Whether the cached keys show {@code kid} absent, given that it was first seen when fetch
   * {@code seenAfter} was the last started: they came from a later fetch, and nothing failed since.
   */
  boolean confirmsAbsent(long seenAfter) {
    return failures == 0 && keysFetch > seenAfter;
  }

  /**
   * A call found its keys, or had no {@code kid}: starts a background fetch when one is due
   * ({@link Action#START}), reports a lost fetch ({@link Action#LOST}), or returns null.
   */
  Decision poll(long now) {
    return poll(now, now);
  }

  /**
   * As {@link #poll(long)}, for a source last used at {@code lastUsed}: a {@linkplain #parked parked}
   * source starts nothing.
   */
  Decision poll(long now, long lastUsed) {
    if (closed) {
      return null;
    }
    if (inFlight != 0) {
      return !inFlightQueued && now - inFlightSince - fetchDeadline >= 0
          ? new Decision(Action.LOST, inFlight, 0) : null;
    }
    if (parked(now, lastUsed)) {
      return null;
    }
    if (failures > 0 && now - retryAt < 0) {
      return null;
    }
    if (keysFetch == 0) {
      return start(now, failures > 0 ? Reason.RETRY : Reason.FIRST_LOAD);
    }
    if (now - refreshAt >= 0) {
      return start(now, failures > 0 ? Reason.RETRY : Reason.REFRESH);
    }
    if (unknownKidWaiting && now - unknownKidDue(now) >= 0) {
      return start(now, Reason.UNKNOWN_KID);
    }
    return null;
  }

  /**
   * A token names a {@code kid} that the cached keys lack (or whose keys do not fit its {@code alg}),
   * and they do not {@linkplain #confirmsAbsent confirm} it absent. Joins the fetch in flight (it
   * may hold the key); else starts one if the throttle allows: once per cooldown while fetches
   * succeed, on the backoff schedule after a failure. Otherwise the fetch is due later: the kid waits
   * for it, so that a timer starts it without another call.
   */
  Decision unknownKid(long now) {
    if (closed) {
      return new Decision(Action.UNAVAILABLE, 0, 0);
    }
    if (inFlight != 0) {
      return new Decision(Action.JOIN, inFlight, 0);
    }
    long delay = unknownKidDue(now) - now;
    if (delay <= 0) {
      return start(now, Reason.UNKNOWN_KID);
    }
    unknownKidWaiting = true;
    return new Decision(timers && delay <= maxWait ? Action.WAIT_NEXT : Action.UNAVAILABLE, 0, delay);
  }

  /**
   * No keys may be served (none yet, or past the stale bound): joins the fetch in flight, or starts
   * one unless the retry backoff forbids it.
   */
  Decision keysMissing(long now) {
    if (closed) {
      return new Decision(Action.UNAVAILABLE, 0, 0);
    }
    if (inFlight != 0) {
      return new Decision(Action.JOIN, inFlight, 0);
    }
    if (failures > 0 && now - retryAt < 0) {
      return new Decision(Action.UNAVAILABLE, 0, retryAt - now);
    }
    return start(now, Reason.MISSING_KEYS);
  }

  /** An explicit refresh: joins the fetch in flight or starts one, ignoring every throttle. */
  Decision refreshNow(long now) {
    if (closed) {
      return new Decision(Action.UNAVAILABLE, 0, 0);
    }
    if (inFlight != 0) {
      return new Decision(Action.JOIN, inFlight, 0);
    }
    return start(now, Reason.MANUAL);
  }

  /**
   * Fetch {@code fetch} succeeded at {@code now}; the new keys should be refreshed at
   * {@code nextRefreshAt}. Returns false (and changes nothing) when that fetch is no longer the one
   * in flight (it was given up as lost) or the source is closed.
   */
  boolean succeeded(long fetch, long nextRefreshAt) {
    if (closed || fetch != inFlight) {
      return false;
    }
    inFlight = 0;
    keysFetch = fetch;
    refreshAt = nextRefreshAt;
    failures = 0;
    return true;
  }

  /**
   * Fetch {@code fetch} failed at {@code at}: retries back off exponentially, and a {@code kid} the
   * fetch was for keeps waiting, so it is retried on that schedule. Returns false as
   * {@link #succeeded} does.
   */
  boolean failed(long fetch, long at) {
    if (closed || fetch != inFlight) {
      return false;
    }
    inFlight = 0;
    failures++;
    retryAt = at + backoff(failures);
    if (inFlightForUnknownKid) {
      unknownKidWaiting = true;
    }
    return true;
  }

  /**
   * Fetch {@code fetch} left the scheduler's line and runs from {@code now}: its deadline starts.
   * Returns false when it is no longer the fetch in flight (or the source is closed): do not run it.
   */
  boolean dispatched(long fetch, long now) {
    if (closed || fetch != inFlight) {
      return false;
    }
    inFlightQueued = false;
    inFlightSince = now;
    return true;
  }

  /** Whether the fetch in flight still waits in the scheduler's line. */
  boolean inFlightQueued() {
    return inFlight != 0 && inFlightQueued;
  }

  /**
   * Whether refresh-ahead has stopped for lack of traffic: keys are cached (kept as last known
   * good), nothing is in flight, and no call came for {@code idleAfter}. The next call ends it; it
   * finds the keys as an expired cache would be found, and the refresh starts at once.
   */
  boolean parked(long now, long lastUsed) {
    // A kid waiting for its fetch is traffic, however long ago the last call came.
    return idleAfter > 0 && keysFetch != 0 && inFlight == 0 && !closed && !unknownKidWaiting
        && now - lastUsed - idleAfter >= 0;
  }

  /** Whether the fetch in flight was started for, or also serves, a token's unknown {@code kid}. */
  boolean inFlightServesUnknownKid() {
    return inFlight != 0 && inFlightForUnknownKid;
  }

  /** The ticker time at which fetch {@code fetch}, if still in flight, counts as lost. */
  long deadlineOf(long fetch) {
    return fetch == inFlight ? inFlightSince + fetchDeadline : 0;
  }

  /**
   * Nanoseconds until {@link #poll} may have something to do (0: now), or -1 when nothing is
   * pending. With a fetch in flight, that is its deadline.
   */
  long wakeUpDelay(long now) {
    return wakeUpDelay(now, now);
  }

  /**
   * As {@link #wakeUpDelay(long)} for a source last used at {@code lastUsed}: -1 while the fetch in
   * flight waits in line (its scheduler runs it) or while {@linkplain #parked parked}. A refresh that
   * comes due on a source idle by then parks it instead of starting.
   */
  long wakeUpDelay(long now, long lastUsed) {
    if (closed) {
      return -1;
    }
    if (inFlight != 0) {
      return inFlightQueued ? -1 : Math.max(0, inFlightSince + fetchDeadline - now);
    }
    if (parked(now, lastUsed)) {
      return -1;
    }
    long at;
    if (keysFetch == 0) {
      at = failures > 0 ? retryAt : now;
    } else {
      at = refreshAt;
      if (unknownKidWaiting) {
        long due = unknownKidDue(now);
        if (due - at < 0) {
          at = due;
        }
      }
    }
    if (failures > 0 && at - retryAt < 0) {
      at = retryAt;
    }
    return Math.max(0, at - now);
  }

  /** Nanoseconds until the retry backoff allows a fetch (0 when it does now). */
  long backoffDelay(long now) {
    return failures > 0 ? Math.max(0, retryAt - now) : 0;
  }

  /** Stops every decision: from now on nothing starts and no outcome is accepted. */
  void close() {
    closed = true;
    inFlight = 0;
    unknownKidWaiting = false;
  }

  private long unknownKidDue(long now) {
    if (failures > 0) {
      return retryAt; // after a failure, the backoff paces retries, not the cooldown
    }
    return unknownKidFetched ? lastUnknownKidFetch + cooldown : now;
  }

  private Decision start(long now, Reason reason) {
    started++;
    inFlight = started;
    inFlightSince = now;
    inFlightReason = reason;
    inFlightQueued = scheduled;
    // Any fetch starting now serves the kids waiting: their tokens arrived before it.
    inFlightForUnknownKid = reason == Reason.UNKNOWN_KID || unknownKidWaiting;
    unknownKidWaiting = false;
    if (reason == Reason.UNKNOWN_KID) {
      unknownKidFetched = true;
      lastUnknownKidFetch = now;
    }
    return new Decision(Action.START, inFlight, 0);
  }

  private long backoff(int failed) {
    int doublings = Math.min(failed - 1, 30);
    long delay = backoff << doublings;
    return delay <= 0 || delay > maxBackoff ? maxBackoff : delay;
  }
}
