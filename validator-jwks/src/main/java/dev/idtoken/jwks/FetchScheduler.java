package dev.idtoken.jwks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Decides <em>when</em> the key fetches of many {@link RemoteKeySource}s run, so that thousands of
 * issuers (many of them tenants of one provider's host) never hit the network at once: at most
 * {@link Builder#maxConcurrentFetches} fetches run overall and {@link Builder#maxFetchesPerHost} per
 * host; the others wait in line. Fetches for a token that is waiting (an unknown {@code kid}, a
 * tenant's first load, keys past their bound) go ahead of background refreshes; within each kind
 * the line is first come, first served, and since a key source has at most one fetch at a time, no
 * issuer can take another's turn. Whether a source fetches at all stays its own decision (its
 * throttles and backoff); a fetch waiting in line has no deadline yet, its deadline starts when it
 * runs. An {@link IssuerRegistry} makes one for its issuers; a single key source may share one too
 * ({@link RemoteKeySource.Builder#fetchScheduler}).
 *
 * <p>Thread-safe. No thread of its own: a fetch starts on the thread that queued it or on the one
 * that ended the fetch before it, and never blocks there. Defaults
 * {@link #DEFAULT_MAX_CONCURRENT_FETCHES} and {@link #DEFAULT_MAX_FETCHES_PER_HOST}. {@link #close()}
 * fails every fetch still in line; fetches running end on their own.
 */
public final class FetchScheduler implements AutoCloseable {
  /** Most fetches running at once, overall: 16. */
  public static final int DEFAULT_MAX_CONCURRENT_FETCHES = 16;
  /** Most fetches running at once against one host (a provider's comfort): 4. */
  public static final int DEFAULT_MAX_FETCHES_PER_HOST = 4;

  private final int maxConcurrent;
  private final int maxPerHost;
  private final CountingTimers timers = new CountingTimers(Timers.system());
  private final OutageSummary outages = new OutageSummary(Ticker.systemTicker());
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private int running;
  private int queued;
  private int peakRunning;
  private long started;
  private boolean closed;
  // Drain loop ownership: only one thread starts fetches at a time; others leave a note.
  private final AtomicInteger drainRequests = new AtomicInteger();

  private static final class Host {
    final LinkedHashSet<Ticket> traffic = new LinkedHashSet<>();
    final LinkedHashSet<Ticket> background = new LinkedHashSet<>();
    int running;

    boolean idle() {
      return running == 0 && traffic.isEmpty() && background.isEmpty();
    }
  }

  /** One fetch's place in line. */
  static final class Ticket {
    private enum State { NEW, QUEUED, RUNNING, DONE }

    private final String host;
    private final Supplier<CompletableFuture<?>> start;
    private final Runnable onCancel;
    // Guarded by the scheduler's lock.
    private boolean traffic;
    private State state = State.NEW;

    /**
     * @param start starts the fetch and returns what ends it (null: nothing to run after all)
     * @param onCancel called, without any lock, when the scheduler closes with the fetch still in line
     */
    Ticket(String host, boolean traffic, Supplier<CompletableFuture<?>> start, Runnable onCancel) {
      this.host = host == null ? "" : host;
      this.traffic = traffic;
      this.start = start;
      this.onCancel = onCancel;
    }
  }

  private FetchScheduler(Builder b) {
    this.maxConcurrent = b.maxConcurrent;
    this.maxPerHost = b.maxPerHost;
  }

  /** A builder with the defaults above. */
  public static Builder builder() {
    return new Builder();
  }

  /** Fetches waiting in line. */
  public int queuedFetches() {
    lock.lock();
    try {
      return queued;
    } finally {
      lock.unlock();
    }
  }

  /** Fetches running now. */
  public int runningFetches() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** The most fetches that ever ran at once. */
  public int peakRunningFetches() {
    lock.lock();
    try {
      return peakRunning;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Everything the key sources using this scheduler have pending: fetches in line plus their timers
   * (refresh-ahead, retries, fetch deadlines). Zero once every such source is closed.
   */
  public int scheduledTasks() {
    return queuedFetches() + timers.live();
  }

  /** The most fetches that run at once, overall. */
  int maxConcurrentFetches() {
    return maxConcurrent;
  }

  /** The timers of the sources using this scheduler: the JVM's shared timer thread, counted. */
  Timers timers() {
    return timers;
  }

  /** The outage count and summary shared by the sources using this scheduler. */
  OutageSummary outages() {
    return outages;
  }

  /** Fetches started since creation; for tests. */
  long started() {
    lock.lock();
    try {
      return started;
    } finally {
      lock.unlock();
    }
  }

  /** Puts a fetch in line and starts what the limits allow. A ticket is submitted once. */
  void submit(Ticket ticket) {
    boolean refused;
    lock.lock();
    try {
      refused = closed || ticket.state != Ticket.State.NEW;
      if (!refused) {
        ticket.state = Ticket.State.QUEUED;
        Host host = hosts.computeIfAbsent(ticket.host, h -> new Host());
        (ticket.traffic ? host.traffic : host.background).add(ticket);
        queued++;
      }
    } finally {
      lock.unlock();
    }
    if (refused) {
      ticket.onCancel.run();
      return;
    }
    drain();
  }

  /** A token now waits for this fetch: it moves to the back of the traffic line, ahead of refreshes. */
  void promote(Ticket ticket) {
    boolean moved = false;
    lock.lock();
    try {
      if (!ticket.traffic) {
        ticket.traffic = true;
        if (ticket.state == Ticket.State.QUEUED) {
          Host host = hosts.get(ticket.host);
          host.background.remove(ticket);
          host.traffic.add(ticket);
          moved = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (moved) {
      drain();
    }
  }

  /** Takes the fetch out of line if it is still there (its owner ends it); a running fetch is left alone. */
  boolean cancel(Ticket ticket) {
    lock.lock();
    try {
      if (ticket.state != Ticket.State.QUEUED) {
        if (ticket.state == Ticket.State.NEW) {
          ticket.state = Ticket.State.DONE;
        }
        return false;
      }
      Host host = hosts.get(ticket.host);
      (ticket.traffic ? host.traffic : host.background).remove(ticket);
      ticket.state = Ticket.State.DONE;
      queued--;
      if (host.idle()) {
        hosts.remove(ticket.host);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Refuses further fetches and fails every fetch still in line (their sources retry with backoff,
   * or are being closed); fetches running end on their own. Does not close the key sources.
   * Idempotent.
   */
  @Override
  public void close() {
    List<Ticket> dropped = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      for (Host host : hosts.values()) {
        dropped.addAll(host.traffic);
        dropped.addAll(host.background);
        host.traffic.clear();
        host.background.clear();
      }
      hosts.values().removeIf(Host::idle);
      for (Ticket ticket : dropped) {
        ticket.state = Ticket.State.DONE;
      }
      queued = 0;
    } finally {
      lock.unlock();
    }
    for (Ticket ticket : dropped) {
      ticket.onCancel.run();
    }
  }

  @Override
  public String toString() {
    return "FetchScheduler[maxConcurrentFetches=" + maxConcurrent + ", maxFetchesPerHost=" + maxPerHost + "]";
  }

  /**
   * Starts fetches while the limits allow. One thread at a time runs the loop; a request arriving
   * meanwhile makes that thread go round once more, so no permit is left unused and no call nests.
   */
  private void drain() {
    if (drainRequests.getAndIncrement() != 0) {
      return;
    }
    boolean finished = false;
    try {
      do {
        drainRequests.set(1);
        Ticket next;
        while ((next = take()) != null) {
          launch(next);
        }
      } while (drainRequests.decrementAndGet() != 0);
      finished = true;
    } finally {
      if (!finished) {
        // An Error out of a starter (or a listener it ran) must not leave the loop owned for ever,
        // or no fetch would ever start again; the next submit or release drains what is left.
        drainRequests.set(0);
      }
    }
  }

  private Ticket take() {
    lock.lock();
    try {
      if (closed || running >= maxConcurrent) {
        return null;
      }
      Ticket next = pick(true);
      if (next == null) {
        next = pick(false);
      }
      if (next == null) {
        return null;
      }
      next.state = Ticket.State.RUNNING;
      queued--;
      running++;
      started++;
      peakRunning = Math.max(peakRunning, running);
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: the first ticket of the first host with room, that host then going to the back. */
  private Ticket pick(boolean traffic) {
    Iterator<Map.Entry<String, Host>> it = hosts.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Host> entry = it.next();
      Host host = entry.getValue();
      LinkedHashSet<Ticket> line = traffic ? host.traffic : host.background;
      if (host.running >= maxPerHost || line.isEmpty()) {
        continue;
      }
      Iterator<Ticket> first = line.iterator();
      Ticket ticket = first.next();
      first.remove();
      host.running++;
      // Round robin across hosts: the host served goes to the back.
      it.remove();
      hosts.put(entry.getKey(), host);
      return ticket;
    }
    return null;
  }

  private void launch(Ticket ticket) {
    CompletableFuture<?> end = null;
    try {
      end = ticket.start.get();
    } catch (RuntimeException e) {
      // The starter ends its own fetch on failure; the permit is simply returned.
    } finally {
      if (end == null) {
        release(ticket); // an Error from the starter passes on, but never with the permit
      } else {
        end.whenComplete((result, error) -> release(ticket));
      }
    }
  }

  private void release(Ticket ticket) {
    lock.lock();
    try {
      if (ticket.state != Ticket.State.RUNNING) {
        return;
      }
      ticket.state = Ticket.State.DONE;
      running--;
      Host host = hosts.get(ticket.host);
      host.running--;
      if (host.idle()) {
        hosts.remove(ticket.host);
      }
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** Timers that count the tasks scheduled through them and not yet run or cancelled. */
  static final class CountingTimers implements Timers {
    private final Timers delegate;
    private final AtomicInteger live = new AtomicInteger();

    CountingTimers(Timers delegate) {
      this.delegate = delegate;
    }

    int live() {
      return live.get();
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      live.incrementAndGet();
      Timer timer = delegate.schedule(() -> {
        if (done.compareAndSet(false, true)) {
          live.decrementAndGet();
        }
        task.run();
      }, delayNanos);
      return () -> {
        if (done.compareAndSet(false, true)) {
          live.decrementAndGet();
        }
        timer.cancel();
      };
    }
  }

  /** Configures a {@link FetchScheduler}. Not thread-safe. */
  public static final class Builder {
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT_FETCHES;
    private int maxPerHost = DEFAULT_MAX_FETCHES_PER_HOST;

    private Builder() {}

    /**
     * Most fetches running at once, overall (default {@link #DEFAULT_MAX_CONCURRENT_FETCHES}).
     *
     * @throws IllegalArgumentException if outside [1, 1024]
     */
    public Builder maxConcurrentFetches(int fetches) {
      if (fetches < 1 || fetches > 1024) {
        throw new IllegalArgumentException("maxConcurrentFetches must be between 1 and 1024");
      }
      this.maxConcurrent = fetches;
      return this;
    }

    /**
     * Most fetches running at once against one host, the issuer's (default
     * {@link #DEFAULT_MAX_FETCHES_PER_HOST}).
     *
     * @throws IllegalArgumentException if outside [1, 1024]
     */
    public Builder maxFetchesPerHost(int fetches) {
      if (fetches < 1 || fetches > 1024) {
        throw new IllegalArgumentException("maxFetchesPerHost must be between 1 and 1024");
      }
      this.maxPerHost = fetches;
      return this;
    }

    /**
     * Builds the scheduler.
     *
     * @throws IllegalStateException if the per-host limit exceeds the overall one
     */
    public FetchScheduler build() {
      if (maxPerHost > maxConcurrent) {
        throw new IllegalStateException("maxFetchesPerHost must not exceed maxConcurrentFetches");
      }
      return new FetchScheduler(this);
    }
  }

  /** Host and port, the default port made explicit, so that one host is one line however it is written. */
  static String hostOf(java.net.URI uri) {
    if (uri == null) {
      return "";
    }
    int port = uri.getPort() != -1 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
    return Objects.toString(uri.getHost(), "").toLowerCase(java.util.Locale.ROOT) + ":" + port;
  }
}
