package dev.idtoken.jwks;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** Queues tasks until the test runs them. */
final class ManualExecutor implements Executor {
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
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
}
