package dev.idtoken.benchmarks;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Retained heap per verified-token cache entry: fills a cache with N distinct realistic RS256 tokens
 * (the cache then holds the only reference to each token string) and divides the growth of the
 * live heap, measured after full GCs, by N. Run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}.
 */
public final class CacheFootprint {
  private CacheFootprint() {}

  /** Entry point: {@code [entries]} (default 20000). */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Fixture fixture = Fixture.of(Fixture.Alg.RS256);
    TestIssuer issuer = fixture.issuer;
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer(Fixture.ISSUER)
        .clientId(Fixture.CLIENT_ID)
        .keySource(KeySet.parse(issuer.jwksJson()))
        .cacheVerifiedTokens(n)
        .build();
    Expectations expectations = Expectations.nonce(Fixture.NONCE);
    // Warm up classes and the empty cache's slot array before the baseline.
    validator.validate(fixture.valid, expectations);
    long before = liveHeap();
    Instant exp = Instant.now().plus(Duration.ofDays(1));
    int length = 0;
    for (int i = 0; i < n; i++) {
      // Each token differs (sub), so each takes an entry; same shape as the fixture's token.
      String token = issuer.token().algorithm("RS256").subject(Long.toString(110169484474386276L + i))
          .authorizedParty(Fixture.CLIENT_ID).expiresAt(exp).nonce(Fixture.NONCE)
          .accessTokenHash("ya29.a0AfB_byC-example-access-token")
          .claim("email", "jane.doe@example.com").claim("email_verified", true)
          .claim("name", "Jane Doe").claim("locale", "en").sign();
      length = token.length();
      if (!validator.validate(token, expectations).isValid()) {
        throw new IllegalStateException("token " + i + " not valid");
      }
    }
    long after = liveHeap();
    System.out.printf(Locale.ROOT, "Verified-token cache: %d entries of %d-character RS256 tokens retain "
        + "%.0f bytes each (token string, parsed claims and entry), %.1f MB in all.%n",
        n, length, (double) (after - before) / n, (after - before) / 1e6);
    if (validator.validate(fixture.valid, expectations).isValid()) {
      System.out.flush();
    }
  }

  private static long liveHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
