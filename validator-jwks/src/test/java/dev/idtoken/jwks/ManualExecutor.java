package dev.idtoken.jwks;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them. */
final class ManualExecutor implements Executor {
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    synchronized (this) {
      notifyAll();
    }
  }

  int pending() {
    return tasks.size();
  }

  int runAll() {
    int ran = 0;
    for (Runnable task; (task = tasks.poll()) != null; ran++) {
      task.run();
    }
    return ran;
  }

  /**
   * Waits (with a deadline, never a sleep) until {@code count} tasks are queued: for work handed to
   * the executor from another thread, such as a response arriving from the HTTP client.
   */
  synchronized void awaitPending(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (tasks.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("only " + tasks.size() + " of " + count + " tasks were queued");
      }
      wait(left / 1_000_000 + 1);
    }
  }
}
