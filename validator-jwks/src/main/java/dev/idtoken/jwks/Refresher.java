package dev.idtoken.jwks;

import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.VerificationKey;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A key source's cached keys and the fetches that renew them: asks {@link RefreshState} what to do
 * and carries it out. It publishes each accepted {@link Snapshot}, starts fetches (on the caller's
 * thread, or on the executor in the background), keeps the one wake-up timer for what is due next,
 * gives up a lost fetch, and ends every fetch's promise, whatever happens. The remembered unknown
 * {@code kid}s live here too, as they are read and written under the same lock as the decisions.
 *
 * <p>Thread-safe: one {@link ReentrantLock} guards the state; no network I/O, no waiting and no
 * listener call happens while it is held. Reads of the snapshot on the request path take no lock.
 */
final class Refresher {
  private static final long MIN_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long NEVER = Long.MAX_VALUE / 4;

  /** What a caller should do next. */
  enum Kind {
    /** A newer snapshot has the key: {@link Step#keys()}. */
    FOUND,
    /** A fetch started after the {@code kid} was first seen confirmed it absent: reject the token. */
    REJECT,
    /** Wait for {@link Step#fetch()} (started for this caller if {@link Step#started()}). */
    WAIT,
    /** No fetch may start yet: "unavailable", retry after {@link Step#delay()} nanoseconds. */
    UNAVAILABLE,
    /** A fetch completed meanwhile: answer from the current snapshot. */
    RETRY
  }

  /**
   * @param snapshot the latest snapshot when the step was decided
   * @param startedBefore the number of the last fetch started before the step
   * @param waitsForNext the fetch waited for is not yet started: a timer starts it
   * @param failing whether the last fetch failed
   */
  record Step(Kind kind, List<VerificationKey> keys, CompletableFuture<Snapshot> fetch, Snapshot snapshot,
      long delay, long startedBefore, boolean started, boolean waitsForNext, boolean failing) {}

  /**
   * A fetch in flight: its number (see {@link RefreshState}), the promise its callers wait on, and
   * its end for the scheduler, completed before the promise so that the permit is back before any
   * caller hears of the outcome (and, as a safety net, whenever the promise completes).
   */
  private record Fetch(long number, CompletableFuture<Snapshot> promise, CompletableFuture<Void> ended) {
    Fetch(long number, CompletableFuture<Snapshot> promise) {
      this(number, promise, new CompletableFuture<>());
      promise.whenComplete((snap, error) -> ended.complete(null));
    }
  }

  private final KeyFetcher fetcher;
  private final FetchReporter report;
  private final Executor executor;
  private final Timers timers;
  private final Ticker ticker;
  private final Duration fetchDeadline;
  private final FetchScheduler scheduler; // null: fetches start at once
  private final String host;
  private final long useGranularity; // 0: last use not tracked (no idle parking)
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final RefreshState state;
  private final UnknownKids unknownKids;
  private Fetch inFlight;
  private FetchScheduler.Ticket ticket; // the in-flight fetch's place in the scheduler's line
  private CompletableFuture<Snapshot> next; // adopted by the next fetch; callers told WAIT_NEXT wait on it
  private Timers.Timer timer;
  private long timerAt;
  // Written under lock, read without it on the request path.
  private volatile Snapshot snapshot;
  private volatile long dueAt;
  private volatile long lastUsed;
  private volatile boolean closed;

  Refresher(RefreshState state, UnknownKids unknownKids, KeyFetcher fetcher, FetchReporter report, Executor executor,
      Timers timers, Ticker ticker, Duration fetchDeadline) {
    this(state, unknownKids, fetcher, report, executor, timers, ticker, fetchDeadline, null, null, Duration.ZERO);
  }

  /**
   * @param scheduler where fetches wait for their turn, or null to start them at once
   * @param host the host the scheduler's per-host limit counts the fetches against
   * @param idleAfter the state's idle time (zero: never idle), for how often a call is recorded
   */
  Refresher(RefreshState state, UnknownKids unknownKids, KeyFetcher fetcher, FetchReporter report, Executor executor,
      Timers timers, Ticker ticker, Duration fetchDeadline, FetchScheduler scheduler, String host,
      Duration idleAfter) {
    this.scheduler = scheduler;
    this.host = host;
    this.useGranularity = Math.max(1, idleAfter.toNanos() / 16) * (idleAfter.isZero() ? 0 : 1);
    this.lastUsed = ticker.read();
    this.state = state;
    this.unknownKids = unknownKids;
    this.fetcher = fetcher;
    this.report = report;
    this.executor = executor;
    this.timers = timers;
    this.ticker = ticker;
    this.fetchDeadline = fetchDeadline;
  }

  /** The keys last accepted, or null before the first. */
  Snapshot snapshot() {
    return snapshot;
  }

  boolean closed() {
    return closed;
  }

  /** Failed fetches since the last success. */
  int failures() {
    lock.lock();
    try {
      return state.failures();
    } finally {
      lock.unlock();
    }
  }

  /** The time until the backoff allows the next fetch. */
  Duration backoffDelay() {
    lock.lock();
    try {
      return Duration.ofNanos(state.backoffDelay(ticker.read()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records a call at {@code now}, for idle parking. Writes only when the last record is older than
   * a sixteenth of the idle time, so that calls on many threads do not contend on it.
   */
  void used(long now) {
    if (useGranularity != 0 && now - lastUsed > useGranularity) {
      lastUsed = now;
    }
  }

  /** Whether refresh-ahead is parked for lack of traffic. */
  boolean parked(long now) {
    lock.lock();
    try {
      return state.parked(now, lastUsed);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The fetch in flight, moved ahead of background refreshes because a token waits for it, while
   * fetches succeed; null when none is in flight or the provider is failing (stale keys are then
   * served without waiting).
   */
  CompletableFuture<Snapshot> inFlightForTraffic() {
    CompletableFuture<Snapshot> promise;
    FetchScheduler.Ticket queued;
    lock.lock();
    try {
      if (inFlight == null || state.failures() > 0) {
        return null;
      }
      promise = inFlight.promise();
      queued = ticket;
    } finally {
      lock.unlock();
    }
    promote(queued);
    return promise;
  }

  /** Whether the fetch in flight still waits for its turn in the scheduler's line. */
  boolean queued() {
    lock.lock();
    try {
      return state.inFlightQueued();
    } finally {
      lock.unlock();
    }
  }

  /** Carries out whatever has come due by {@code now} (a refresh, a retry, the watchdog); cheap otherwise. */
  void pollIfDue(long now) {
    if (now - dueAt >= 0) {
      poll(now);
    }
  }

  /**
   * The next step for a token whose {@code kid} the snapshot {@code seen} lacks.
   *
   * @param seenBefore the number of the last fetch started before the caller first looked, for a
   *     {@code kid} not remembered yet; -1 for "now"
   */
  Step unknownKid(String kid, JwsAlgorithm algorithm, Snapshot seen, long seenBefore, long now) {
    Snapshot snap = seen;
    Step step;
    Fetch started = null;
    FetchScheduler.Ticket joined = null;
    lock.lock();
    try {
      Snapshot current = snapshot;
      if (current != snap) {
        // A fetch completed since the caller looked: it may hold the key.
        List<VerificationKey> found = current.keysFor(kid, algorithm);
        if (!found.isEmpty()) {
          return new Step(Kind.FOUND, found, null, current, 0, 0, false, false, false);
        }
        snap = current;
      }
      boolean failing = state.failures() > 0;
      if (!failing && unknownKids.isAbsent(kid)) {
        return new Step(Kind.REJECT, List.of(), null, snap, 0, 0, false, false, false);
      }
      long firstSeen = unknownKids.firstSeen(kid, seenBefore >= 0 ? seenBefore : state.lastStarted());
      if (state.confirmsAbsent(firstSeen)) {
        unknownKids.confirmAbsent(kid, firstSeen);
        return new Step(Kind.REJECT, List.of(), null, snap, 0, 0, false, false, false);
      }
      RefreshState.Decision decision = state.unknownKid(now);
      switch (decision.action()) {
        case START:
          started = startLocked(decision, true);
          step = new Step(Kind.WAIT, null, started.promise(), snap, 0, 0, true, false, failing);
          break;
        case JOIN:
          joined = ticket;
          step = new Step(Kind.WAIT, null, inFlight.promise(), snap, 0, 0, false, false, failing);
          break;
        case WAIT_NEXT:
          if (next == null) {
            next = new CompletableFuture<>();
          }
          step = new Step(Kind.WAIT, null, next, snap, decision.delay(), 0, false, true, failing);
          break;
        default:
          step = new Step(Kind.UNAVAILABLE, null, null, snap, decision.delay(), 0, false, false, failing);
      }
      rescheduleLocked(now);
    } finally {
      lock.unlock();
    }
    promote(joined);
    if (started != null) {
      report.fetchingForKid(snap.jwksUri(), kid);
      launch(started, true);
    }
    return step;
  }

  /** The next step for a caller who found no usable keys: none yet, or {@code seen} past the stale bound. */
  Step keysMissing(Snapshot seen, long now) {
    Step step;
    Fetch started = null;
    FetchScheduler.Ticket joined = null;
    lock.lock();
    try {
      Snapshot current = snapshot;
      long startedBefore = state.lastStarted();
      if (current != seen && current != null && now - current.staleUntil() < 0) {
        return new Step(Kind.RETRY, null, null, current, 0, startedBefore, false, false, false);
      }
      RefreshState.Decision decision = state.keysMissing(now);
      if (decision.action() == RefreshState.Action.START) {
        started = startLocked(decision, true);
        step = new Step(Kind.WAIT, null, started.promise(), current, 0, startedBefore, true, false, false);
      } else if (decision.action() == RefreshState.Action.JOIN) {
        joined = ticket;
        step = new Step(Kind.WAIT, null, inFlight.promise(), current, 0, startedBefore, false, false, false);
      } else {
        step = new Step(Kind.UNAVAILABLE, null, null, current, decision.delay(), startedBefore, false, false,
            state.failures() > 0);
      }
      rescheduleLocked(now);
    } finally {
      lock.unlock();
    }
    promote(joined);
    if (started != null) {
      launch(started, true);
    }
    return step;
  }

  /** Starts a fetch now or joins the one in flight, ignoring every throttle; null once closed. */
  CompletableFuture<Snapshot> refreshNow(long now) {
    Fetch fetch;
    boolean start;
    FetchScheduler.Ticket joined = null;
    lock.lock();
    try {
      // Checked under the lock: a close() that wins cannot leave a promise without an outcome.
      if (state.closed()) {
        return null;
      }
      RefreshState.Decision decision = state.refreshNow(now);
      start = decision.action() == RefreshState.Action.START;
      fetch = start ? startLocked(decision, true) : inFlight;
      if (!start) {
        joined = ticket;
      }
      rescheduleLocked(now);
    } finally {
      lock.unlock();
    }
    promote(joined);
    if (start) {
      launch(fetch, true);
    }
    return fetch.promise();
  }

  /**
   * Stops everything: no decision is carried out from now on, the timer is removed from its queue,
   * and the fetch in flight and any caller waiting for the next fetch are released (cancelled).
   * Returns false if already closed.
   */
  boolean close() {
    Fetch fetch;
    CompletableFuture<Snapshot> waiting;
    FetchScheduler.Ticket queued;
    lock.lock();
    try {
      if (state.closed()) {
        return false;
      }
      queued = ticket;
      ticket = null;
      state.close();
      closed = true;
      fetch = inFlight;
      inFlight = null;
      waiting = next;
      next = null;
      cancelTimerLocked();
      unknownKids.clear();
    } finally {
      lock.unlock();
    }
    if (queued != null) {
      scheduler.cancel(queued); // out of line, or, if running, its permit returns as the promise ends
    }
    if (fetch != null) {
      fetch.ended().complete(null);
      fetch.promise().cancel(false);
    }
    if (waiting != null) {
      waiting.cancel(false);
    }
    return true;
  }

  /** Under the lock: the fetch a START decision made; callers told to wait for the next one share it. */
  private Fetch startLocked(RefreshState.Decision decision, boolean traffic) {
    CompletableFuture<Snapshot> promise = next != null ? next : new CompletableFuture<>();
    next = null;
    Fetch fetch = new Fetch(decision.fetch(), promise);
    inFlight = fetch;
    ticket = scheduler == null ? null
        : new FetchScheduler.Ticket(host, traffic, () -> dispatch(fetch), () -> dropped(fetch));
    return fetch;
  }

  /** Starts a fetch just decided: in the scheduler's line, else on this thread or the executor. */
  private void launch(Fetch fetch, boolean traffic) {
    FetchScheduler.Ticket queued;
    lock.lock();
    try {
      queued = inFlight == fetch ? ticket : null;
    } finally {
      lock.unlock();
    }
    if (scheduler == null) {
      if (traffic) {
        run(fetch);
      } else {
        inBackground(fetch);
      }
    } else if (queued != null) {
      scheduler.submit(queued);
    }
  }

  /** The scheduler's turn for {@code fetch}: its deadline starts now. Returns what ends it, or null. */
  private CompletableFuture<?> dispatch(Fetch fetch) {
    boolean go;
    lock.lock();
    try {
      long now = ticker.read();
      go = inFlight == fetch && state.dispatched(fetch.number(), now);
      if (go) {
        rescheduleLocked(now); // the watchdog's timer
      }
    } finally {
      lock.unlock();
    }
    if (!go) {
      return null;
    }
    run(fetch);
    return fetch.ended();
  }

  /** The scheduler closed with {@code fetch} in line: it fails, and is retried with backoff. */
  private void dropped(Fetch fetch) {
    finish(fetch, null, new FetchException("fetch scheduler closed"), ticker.read());
  }

  private void promote(FetchScheduler.Ticket queued) {
    if (queued != null) {
      scheduler.promote(queued);
    }
  }

  /** Carries out what is due: gives up a lost fetch, starts a background one. */
  void poll(long now) {
    for (int round = 0; round < 2; round++) {
      RefreshState.Decision decision;
      Fetch fetch;
      long lostAt = 0;
      lock.lock();
      try {
        // Callers waiting for the next fetch are traffic: the source is in use, however long ago
        // its last call came.
        decision = state.poll(now, next != null ? now : lastUsed);
        if (decision == null) {
          rescheduleLocked(now);
          return;
        }
        if (decision.action() == RefreshState.Action.LOST) {
          fetch = inFlight;
          lostAt = state.deadlineOf(decision.fetch());
        } else {
          // A timer starts it, but a token may be waiting for it (told to wait for the next fetch,
          // or for its unknown kid): then it goes ahead of background refreshes in the line.
          fetch = startLocked(decision, next != null || state.inFlightServesUnknownKid());
          rescheduleLocked(now);
        }
      } finally {
        lock.unlock();
      }
      if (decision.action() == RefreshState.Action.LOST) {
        // The watchdog: a fetch ends by itself within its deadline (each exchange has one), unless its
        // task was lost (an executor that discards tasks). Failing it releases its callers and lets a
        // new fetch start.
        finish(fetch, null, new FetchException("fetch did not complete within " + fetchDeadline), lostAt);
        continue;
      }
      launch(fetch, false);
      return;
    }
  }

  private void inBackground(Fetch fetch) {
    try {
      executor.execute(() -> run(fetch));
    } catch (Throwable e) {
      // Whatever the executor throws, the fetch must end, or no refresh would ever start again.
      finish(fetch, null, new FetchException(e instanceof RejectedExecutionException
          ? "refresh rejected by the executor"
          : "refresh not started: the executor threw " + e.getClass().getSimpleName()), ticker.read());
      if (e instanceof Error) {
        throw (Error) e;
      }
    }
  }

  /** Runs the fetch; never blocks. */
  private void run(Fetch fetch) {
    if (fetch.promise().isDone()) {
      return; // given up by the watchdog, or the source was closed, before the task ran
    }
    fetcher.fetch(fetch.number(), snapshot, fetch.promise())
        .whenComplete((snap, error) -> finish(fetch, snap, error, ticker.read()));
  }

  /**
   * Ends {@code fetch}, which failed at ticker time {@code at} if {@code error} is set. When the state
   * machine refuses the outcome (the source is closed, or the watchdog gave up on the fetch), nothing
   * changes and nothing is reported, but the promise still ends, so no caller or refresh future is
   * left waiting.
   */
  private void finish(Fetch fetch, Snapshot snap, Throwable error, long at) {
    boolean accepted;
    Snapshot old;
    int failed;
    lock.lock();
    try {
      old = snapshot;
      failed = state.failures();
      if (error == null) {
        accepted = state.succeeded(fetch.number(), snap.refreshAt());
        if (accepted) {
          snapshot = snap;
        }
      } else {
        accepted = state.failed(fetch.number(), at);
        failed = state.failures();
      }
      if (accepted) {
        inFlight = null;
        ticket = null;
        rescheduleLocked(ticker.read());
      }
    } finally {
      lock.unlock();
    }
    fetch.ended().complete(null);
    if (!accepted) {
      fetch.promise().completeExceptionally(closed ? new CancellationException("closed")
          : new FetchException("fetch given up"));
      return;
    }
    if (error == null) {
      report.succeeded(old, snap, failed);
      fetch.promise().complete(snap);
    } else {
      FetchException failure = HttpFetcher.failure(error);
      report.failed(fetcher.source(old), failure.getMessage(), failed, old);
      fetch.promise().completeExceptionally(failure);
    }
  }

  /**
   * Under the lock: publishes when the state machine next has something to do, for the request
   * path, and sets the one timer for it. The timer holds this object weakly, so an abandoned source
   * can be collected before it fires.
   */
  private void rescheduleLocked(long now) {
    long used = next != null ? now : lastUsed; // callers waiting for the next fetch keep it unparked
    long delay = state.wakeUpDelay(now, used);
    // Parked: no timer, but the next call polls, which ends the parking and starts the refresh.
    long at = delay >= 0 ? now + delay : state.parked(now, used) ? now : now + NEVER;
    dueAt = at;
    if (timers == Timers.NONE || (timer != null && timerAt == at)) {
      return;
    }
    cancelTimerLocked();
    if (delay < 0) {
      return;
    }
    WeakReference<Refresher> self = new WeakReference<>(this);
    timerAt = at;
    timer = timers.schedule(() -> {
      Refresher refresher = self.get();
      if (refresher != null) {
        refresher.wake(at);
      }
    }, Math.max(delay, MIN_WAKE_NANOS));
  }

  private void cancelTimerLocked() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  private void wake(long at) {
    lock.lock();
    try {
      if (timerAt == at) {
        timer = null; // fired; a newer timer, if any, stays
      }
    } finally {
      lock.unlock();
    }
    if (!closed) {
      poll(ticker.read());
    }
  }
}
