package dev.idtoken.jwks;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay, for a key source's wake-ups (refresh-ahead, retries, a fetch due at the
 * end of the unknown-{@code kid} cooldown, the watchdog). The seam where a scheduler shared by many
 * sources can take over deciding when their fetches run.
 *
 * <p>Implementations are thread-safe. Tasks must be short and never block: they only ask the key
 * source's {@link RefreshState} what to do and hand any fetch to the source's executor.
 */
interface Timers {

  /** A scheduled task that can be cancelled. */
  interface Timer {
    /** Cancels the task if it has not run; idempotent. */
    void cancel();
  }

  /** Schedules {@code task} to run once, after {@code delayNanos}. */
  Timer schedule(Runnable task, long delayNanos);

  /** No timers at all: due fetches start on calls only (the mode for an injected ticker). */
  Timers NONE = (task, delayNanos) -> () -> {};

  /**
   * One daemon thread shared by every key source in the JVM. Cancelled tasks are removed at once,
   * so a closed source leaves nothing queued.
   */
  static Timers system() {
    return SystemTimers.INSTANCE;
  }

  /** The shared timer thread, started on first use. */
  final class SystemTimers implements Timers {
    static final SystemTimers INSTANCE = new SystemTimers();

    private final ScheduledThreadPoolExecutor executor;

    private SystemTimers() {
      executor = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "idtoken-jwks-timer");
        thread.setDaemon(true);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
      ScheduledFuture<?> future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    }

    /** Tasks queued, for tests. */
    int queued() {
      return executor.getQueue().size();
    }
  }
}
