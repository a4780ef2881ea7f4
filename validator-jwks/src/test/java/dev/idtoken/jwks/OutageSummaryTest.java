package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testlogs.CapturingLogs;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class OutageSummaryTest {
  private final ManualTicker ticker = new ManualTicker();
  private final OutageSummary summary = new OutageSummary(ticker);

  private static URI source(int i) {
    return URI.create("https://idp.example/t" + i + "/jwks");
  }

  private static long summaries() {
    return CapturingLogs.lines().stream()
        .filter(l -> l.startsWith("WARN " + RemoteKeySource.class.getName()) && l.contains("key sources are failing"))
        .count();
  }

  @Test
  void started_manySourcesFailTogether_fewOwnWarningsAndOneSummaryPerPeriod() {
    CapturingLogs.clear();
    for (int i = 1; i <= OutageSummary.MANY; i++) {
      assertTrue(summary.started(source(i)));
    }
    for (int i = OutageSummary.MANY + 1; i <= 1000; i++) {
      assertFalse(summary.started(source(i)));
      summary.failedAgain(source(i));
    }
    assertEquals(1, summaries());

    ticker.advance(Duration.ofMinutes(1));
    summary.failedAgain(source(1));
    summary.failedAgain(source(2));
    assertEquals(2, summaries());

    for (int i = 0; i < 995; i++) {
      summary.ended();
    }
    ticker.advance(Duration.ofMinutes(5));
    summary.failedAgain(source(1));
    assertEquals(2, summaries()); // 5 failing: each source's own warning suffices again
    assertEquals(5, summary.failing());
    assertTrue(summary.started(source(2000)));
  }

  /** Through the reporter: past the threshold, a source's outage start is INFO, not WARN. */
  @Test
  void failed_manySourcesSharingASummary_warnsOnlyForTheFirstFew() {
    CapturingLogs.clear();
    Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
    for (int i = 1; i <= 50; i++) {
      FetchReporter reporter = new FetchReporter(KeySourceListener.none(), Duration.ofHours(1), clock, summary);
      reporter.failed(source(i), "connection refused", 1, null);
      reporter.failed(source(i), "connection refused", 2, null);
    }
    long ownWarnings = CapturingLogs.lines().stream()
        .filter(l -> l.startsWith("WARN " + RemoteKeySource.class.getName()) && l.contains("Fetching keys from"))
        .count();
    assertEquals(OutageSummary.MANY, ownWarnings);
    assertEquals(1, summaries());
    assertEquals(50, summary.failing());
  }

  /** A fetch that fails after its source closed (a race close() can lose) starts no outage. */
  @Test
  void failed_afterTheSourceClosed_countsNoOutage() {
    Clock clock = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
    FetchReporter open = new FetchReporter(KeySourceListener.none(), Duration.ofHours(1), clock, summary);
    open.failed(source(1), "connection refused", 1, null);
    open.closed();
    assertEquals(0, summary.failing());

    FetchReporter closed = new FetchReporter(KeySourceListener.none(), Duration.ofHours(1), clock, summary);
    closed.closed();
    closed.failed(source(2), "connection refused", 1, null);
    closed.failed(source(2), "connection refused", 2, null);
    assertEquals(0, summary.failing());
  }
}
