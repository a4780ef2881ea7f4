package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.IdTokenValidator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cache-Control, ETag and refresh-ahead, over a simulated clock. */
class CachingTest extends SourceTestSupport {

  @Test
  void validate_overSimulatedTime_fetchCountsFollowClampedMaxAge() throws Exception {
    provider.jwksCacheControl("public, max-age=600");
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    String token = token();

    // max-age=600 is within [5 min, 1 h]: refresh at 80%, 480 s.
    provider.jwksCacheControl("max-age=86400");
    ticker.advance(Duration.ofSeconds(479));
    assertValid(validator.validate(token));
    assertEquals(1, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(2);
    assertEquals(2, provider.jwksRequests());

    // max-age=86400 is clamped to the 1-hour maximum: refresh after 48 minutes.
    provider.jwksCacheControl("no-store");
    ticker.advance(Duration.ofMinutes(48).minusSeconds(1));
    assertValid(validator.validate(token));
    assertEquals(2, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(3);
    assertEquals(3, provider.jwksRequests());

    // no-store means the 5-minute minimum, never "no cache": refresh after 4 minutes.
    provider.jwksCacheControl("max-age=600").jwksAge("300");
    ticker.advance(Duration.ofMinutes(4).minusSeconds(1));
    assertValid(validator.validate(token));
    assertEquals(3, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(4);

    // max-age=600 with Age: 300 leaves 300 s: refresh after 240 s.
    ticker.advance(Duration.ofSeconds(239));
    assertValid(validator.validate(token));
    assertEquals(4, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(5);
    assertEquals(5, provider.jwksRequests());
    assertEquals(List.of("fetched 1 PT10M", "fetched 1 PT1H", "fetched 1 PT5M", "fetched 1 PT5M", "fetched 1 PT5M"),
        listener.events.stream().filter(e -> e.startsWith("fetched")).toList());
  }

  @Test
  void validate_providerOffersEtag_conditionalGetAnd304KeepsKeysAndRenewsTtl() throws Exception {
    provider.jwksEtag(true).jwksCacheControl("max-age=600");
    RemoteKeySource source = loadedSource(b -> {});
    IdTokenValidator validator = validator(source);
    String token = token();
    assertEquals(0, provider.conditionalJwksRequests());

    ticker.advance(Duration.ofSeconds(480));
    assertValid(validator.validate(token));
    listener.awaitCompletions(2);
    assertEquals(1, provider.conditionalJwksRequests());
    assertTrue(listener.events.contains("not-modified 1 PT10M"), listener.events::toString);
    assertEquals(1, source.health().keyCount());
    assertEquals(Duration.ZERO, source.health().keyAge().orElseThrow());
    assertValid(validator.validate(token));

    // The 304 renewed the TTL: the next refresh is 480 s after it, not after the first fetch.
    ticker.advance(Duration.ofSeconds(479));
    assertValid(validator.validate(token));
    assertEquals(2, provider.jwksRequests());
    ticker.advance(Duration.ofSeconds(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(3);
    assertEquals(3, provider.jwksRequests());

    // A changed set comes back as a 200 with its new keys, despite the conditional request.
    issuer().rotate();
    ticker.advance(Duration.ofSeconds(480));
    assertValid(validator.validate(token));
    listener.awaitCompletions(4);
    assertValid(validator.validate(token()));
    assertEquals(4, provider.jwksRequests());
  }

  @Test
  void validate_pastRefreshAheadPoint_answersAtOnceAndRefreshesInTheBackground() throws Exception {
    ManualExecutor background = new ManualExecutor();
    RemoteKeySource source = source(b -> b.executor(background));
    IdTokenValidator validator = validator(source);
    assertEquals(1, background.runAll(), "building queued the first fetch");
    background.awaitPending(1); // the response, handed back to the executor
    background.runAll();
    listener.awaitCompletions(1);

    ticker.advance(Duration.ofMinutes(12)); // 80% of the default 15-minute TTL
    assertValid(validator.validate(token()));
    assertValid(validator.validate(token()));
    assertEquals(1, provider.jwksRequests(), "no caller fetched");
    assertEquals(1, background.pending(), "one refresh queued, however many callers");

    background.runAll();
    background.awaitPending(1);
    background.runAll();
    listener.awaitCompletions(2);
    assertEquals(2, provider.jwksRequests());
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status());
    assertEquals(Duration.ZERO, source.health().keyAge().orElseThrow());
  }

  @Test
  void build_withSystemTicker_refreshesOnATimerWithoutAnyCall() throws Exception {
    provider.jwksCacheControl("max-age=1");
    track(RemoteKeySource.builder()
        .jwksUri(provider.jwksUri())
        .allowInsecureLoopbackHttp()
        .minCacheTtl(Duration.ofSeconds(1))
        .defaultCacheTtl(Duration.ofSeconds(1))
        .maxCacheTtl(Duration.ofSeconds(1))
        .refreshAheadRatio(0.2)
        .listener(listener)
        .build());
    listener.awaitCompletions(3); // the first fetch and two timed refreshes, about 0.2 s apart
    assertTrue(provider.jwksRequests() >= 3);
  }
}
