package dev.idtoken.jwks;

import java.util.ArrayList;
import java.util.List;

/**
 * Timers on a {@link ManualTicker}: a task runs, on the thread that advances the ticker, once the
 * ticker reaches its time. Never a real delay.
 */
final class ManualTimers implements Timers {
  private final ManualTicker ticker;
  private final List<Task> tasks = new ArrayList<>();
  private int fired;

  private final class Task implements Timer {
    final Runnable action;
    final long at;
    boolean cancelled;

    Task(Runnable action, long at) {
      this.action = action;
      this.at = at;
    }

    @Override
    public void cancel() {
      synchronized (ManualTimers.this) {
        cancelled = true;
        tasks.remove(this);
      }
    }
  }

  ManualTimers(ManualTicker ticker) {
    this.ticker = ticker;
    ticker.onAdvance(this::runDue);
  }

  @Override
  public synchronized Timer schedule(Runnable task, long delayNanos) {
    Task scheduled = new Task(task, ticker.read() + delayNanos);
    tasks.add(scheduled);
    return scheduled;
  }

  /** Tasks waiting for their time. */
  synchronized int pending() {
    return tasks.size();
  }

  /** Tasks run so far. */
  synchronized int fired() {
    return fired;
  }

  /** Runs every task whose time has come, in time order, including tasks they schedule for now. */
  void runDue() {
    while (true) {
      Task due = null;
      synchronized (this) {
        long now = ticker.read();
        for (Task task : tasks) {
          if (now - task.at >= 0 && (due == null || task.at - due.at < 0)) {
            due = task;
          }
        }
        if (due == null) {
          return;
        }
        tasks.remove(due);
        fired++;
      }
      due.action.run(); // outside the monitor: the task takes the source's lock
    }
  }
}
