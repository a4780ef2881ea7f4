package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scheduler alone, with fetches the test ends by hand: limits, order, cancellation. */
class FetchSchedulerTest {
  private final List<String> startOrder = new ArrayList<>();
  private final Map<String, CompletableFuture<Void>> running = new HashMap<>();
  private final Map<String, Integer> perHostNow = new HashMap<>();
  private final Map<String, Integer> perHostPeak = new HashMap<>();
  private final List<String> cancelled = new ArrayList<>();
  private final Map<String, String> hostOf = new HashMap<>();

  /** A fetch named {@code name} against {@code host}; it runs until {@link #end} is called. */
  private FetchScheduler.Ticket ticket(String name, String host, boolean traffic) {
    return new FetchScheduler.Ticket(host, traffic, () -> {
      synchronized (this) {
        startOrder.add(name);
        int now = perHostNow.merge(host, 1, Integer::sum);
        perHostPeak.merge(host, now, Math::max);
        CompletableFuture<Void> end = new CompletableFuture<>();
        running.put(name, end);
        hostOf.put(name, host);
        return end;
      }
    }, () -> {
      synchronized (this) {
        cancelled.add(name);
      }
    });
  }

  private void end(String name) {
    CompletableFuture<Void> fetch;
    synchronized (this) {
      fetch = running.remove(name);
      perHostNow.merge(hostOf.get(name), -1, Integer::sum); // before the scheduler hears of it
    }
    fetch.complete(null);
  }

  private synchronized List<String> started() {
    return List.copyOf(startOrder);
  }

  @Test
  void submit_manyFetchesOnTwoHosts_limitsHoldOverallAndPerHost() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(5).maxFetchesPerHost(3).build();
    for (int i = 0; i < 20; i++) {
      scheduler.submit(ticket("a" + i, "a", false));
      scheduler.submit(ticket("b" + i, "b", false));
    }
    assertEquals(5, scheduler.runningFetches());
    assertEquals(35, scheduler.queuedFetches());
    // End whatever runs, round after round, until all 40 have run.
    for (int round = 0; started().size() < 40 || scheduler.runningFetches() > 0; round++) {
      assertTrue(round < 100, "no progress");
      List<String> now;
      synchronized (this) {
        now = List.copyOf(running.keySet());
      }
      now.forEach(this::end);
      assertTrue(scheduler.runningFetches() <= 5);
    }
    assertEquals(40, started().size());
    assertEquals(5, scheduler.peakRunningFetches());
    assertEquals(3, perHostPeak.get("a"));
    assertEquals(3, perHostPeak.get("b"));
    assertEquals(0, scheduler.scheduledTasks());
  }

  @Test
  void submit_oneFetchPerIssuer_servedInArrivalOrderAlternatingHosts() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build();
    scheduler.submit(ticket("first", "a", false));
    for (int i = 1; i <= 3; i++) {
      scheduler.submit(ticket("a" + i, "a", false));
    }
    for (int i = 1; i <= 3; i++) {
      scheduler.submit(ticket("b" + i, "b", false));
    }
    for (String name : List.of("first", "a1", "b1", "a2", "b2", "a3", "b3")) {
      assertEquals(name, started().get(started().size() - 1));
      end(name);
    }
    assertEquals(7, started().size());
  }

  @Test
  void submit_trafficFetch_goesAheadOfBackgroundRefreshes() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build();
    scheduler.submit(ticket("refresh1", "a", false));
    scheduler.submit(ticket("refresh2", "a", false));
    FetchScheduler.Ticket refresh3 = ticket("refresh3", "a", false);
    scheduler.submit(refresh3);
    scheduler.submit(ticket("unknownKid", "a", true));
    scheduler.promote(refresh3); // a token now waits for this issuer's refresh

    end("refresh1");
    end("unknownKid");
    end("refresh3");
    end("refresh2");
    assertEquals(List.of("refresh1", "unknownKid", "refresh3", "refresh2"), started());
  }

  @Test
  void cancel_queuedFetch_neverStartsAndLeavesNothingQueued() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build();
    scheduler.submit(ticket("running", "a", false));
    FetchScheduler.Ticket queued = ticket("queued", "a", false);
    scheduler.submit(queued);

    assertTrue(scheduler.cancel(queued));
    assertEquals(0, scheduler.queuedFetches());
    end("running");
    assertEquals(List.of("running"), started());
    assertEquals(0, scheduler.runningFetches());
  }

  @Test
  void submit_starterThrowsAnError_permitReturnedAndLaterFetchesStillStart() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build();
    FetchScheduler.Ticket broken = new FetchScheduler.Ticket("a", false, () -> {
      throw new AssertionError("a listener's error, say");
    }, () -> {});
    assertThrows(AssertionError.class, () -> scheduler.submit(broken));
    assertEquals(0, scheduler.runningFetches());

    scheduler.submit(ticket("next", "a", false));
    assertEquals(List.of("next"), started());
    end("next");
    assertEquals(0, scheduler.runningFetches());
  }

  @Test
  void hostOf_defaultPortAndCase_oneLine() {
    assertEquals(FetchScheduler.hostOf(java.net.URI.create("https://Login.Example.com/t1")),
        FetchScheduler.hostOf(java.net.URI.create("https://login.example.com:443/t2/.well-known/jwks.json")));
    assertTrue(!FetchScheduler.hostOf(java.net.URI.create("https://login.example.com:8443/"))
        .equals(FetchScheduler.hostOf(java.net.URI.create("https://login.example.com/"))));
  }

  @Test
  void close_withFetchesQueued_failsThemAndRefusesNewOnes() {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(1).maxFetchesPerHost(1).build();
    scheduler.submit(ticket("running", "a", false));
    scheduler.submit(ticket("q1", "a", false));
    scheduler.submit(ticket("q2", "b", true));

    scheduler.close();
    scheduler.submit(ticket("late", "a", true));

    assertEquals(List.of("late", "q1", "q2"), cancelled.stream().sorted().toList());
    assertEquals(0, scheduler.queuedFetches());
    end("running");
    assertEquals(0, scheduler.runningFetches());
    assertEquals(0, scheduler.scheduledTasks());
    assertEquals(List.of("running"), started());
  }

  /** Threads ending fetches and submitting new ones at once never break the limit nor lose a fetch. */
  @Test
  void submit_concurrentSubmitsAndEnds_limitHoldsAndAllRun() throws Exception {
    FetchScheduler scheduler = FetchScheduler.builder().maxConcurrentFetches(3).maxFetchesPerHost(2).build();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    int threads = 4;
    int perThread = 200;
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      String host = "h" + (t % 2);
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < perThread; i++) {
            // Each fetch ends at once, on the thread that starts it: release and start interleave.
            scheduler.submit(new FetchScheduler.Ticket(host, i % 3 == 0, () -> {
              peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
              concurrent.decrementAndGet();
              done.incrementAndGet();
              return CompletableFuture.completedFuture(null);
            }, () -> {}));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          finished.countDown();
        }
      });
      thread.start();
    }
    start.countDown();
    assertTrue(finished.await(30, TimeUnit.SECONDS));
    assertEquals(threads * perThread, done.get());
    assertTrue(scheduler.peakRunningFetches() <= 3, () -> "peak " + scheduler.peakRunningFetches());
    assertEquals(0, scheduler.queuedFetches());
    assertEquals(0, scheduler.runningFetches());
  }

  @Test
  void build_perHostAboveOverall_failsFast() {
    assertThrows(IllegalStateException.class,
        () -> FetchScheduler.builder().maxConcurrentFetches(2).maxFetchesPerHost(3).build());
    assertThrows(IllegalArgumentException.class, () -> FetchScheduler.builder().maxConcurrentFetches(0));
  }
}
