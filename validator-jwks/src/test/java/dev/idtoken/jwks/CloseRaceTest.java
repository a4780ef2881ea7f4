package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.KeySourceException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code refresh()} racing {@code close()}: every future completes, whichever wins. */
class CloseRaceTest extends SourceTestSupport {
  private static final int ROUNDS = 2_000;

  private final HttpClient shared = HttpFetcher.newClient(Duration.ofSeconds(3), null);

  private RemoteKeySource queuedSource(ManualExecutor executor) {
    RemoteKeySource.Builder builder = testDefaults(RemoteKeySource.builder().jwksUri(provider.jwksUri()))
        .executor(executor);
    builder.httpClient = shared; // thousands of sources, one client
    return builder.build();
  }

  @Test
  void refresh_racingClose_everyFutureCompletes() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        ManualExecutor executor = new ManualExecutor(); // the fetch never runs: only close() can end it
        RemoteKeySource source = queuedSource(executor);
        CyclicBarrier start = new CyclicBarrier(2);
        Future<CompletableFuture<KeySourceHealth>> refresh = pool.submit(() -> {
          start.await();
          return source.refresh();
        });
        Future<?> close = pool.submit(() -> {
          start.await();
          source.close();
          return null;
        });
        close.get(10, TimeUnit.SECONDS);
        CompletableFuture<KeySourceHealth> future = refresh.get(10, TimeUnit.SECONDS);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS),
            "round " + round);
        assertInstanceOf(KeySourceException.class, failed.getCause());
        executor.runAll(); // the queued fetch, run after close: starts nothing
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, provider.jwksRequests());
  }

  @Test
  void refresh_fetchCompletingAfterClose_futureFailsInsteadOfHanging() throws Exception {
    ManualExecutor executor = new ManualExecutor();
    RemoteKeySource source = queuedSource(executor);
    executor.runAll(); // the first fetch starts
    executor.awaitPending(1); // its response arrived and waits for the executor
    CompletableFuture<KeySourceHealth> refresh = source.refresh(); // joins it
    source.close();
    executor.runAll();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> refresh.get(10, TimeUnit.SECONDS));
    assertInstanceOf(KeySourceException.class, failed.getCause());
    assertTrue(source.health().kids().isEmpty());
  }

  @Test
  void close_removesItsWakeUpTimer() throws Exception {
    RemoteKeySource source = track(withTimers(testDefaults(RemoteKeySource.builder().jwksUri(provider.jwksUri())))
        .build());
    listener.awaitCompletions(1);
    assertEquals(1, timers.pending(), "the refresh-ahead wake-up");
    source.close();
    assertEquals(0, timers.pending());
  }

  @Test
  void refresh_afterClose_failsAtOnce() {
    RemoteKeySource source = queuedSource(new ManualExecutor());
    source.close();
    CompletableFuture<KeySourceHealth> refresh = source.refresh();
    assertTrue(refresh.isCompletedExceptionally());
  }
}
