package dev.idtoken.benchmarks;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The key-source layer under load: validations per second from several threads through a
 * {@link RemoteKeySource} fed by the test kit's {@link FakeProvider} (MockWebServer on loopback)
 * while the provider rotates its signing key, and how many times the JWKS was fetched.
 *
 * <p>Each rotation publishes a new key and signs from then on with it (the hard case: the first
 * token with the new {@code kid} arrives before any refresh could have seen the key), and removes
 * the key from two rotations before. The JWKS is served with {@code Cache-Control: max-age=2} and
 * the source's unknown-kid cooldown is one second, so both refresh paths run many times in a short
 * run. Every token presented is valid; any rejection or unavailability is counted and shown.
 *
 * <pre>
 * java -cp benchmarks.jar dev.idtoken.benchmarks.JwksRotation [--seconds 15] [--threads 2]
 *     [--rotate-ms 2000] [--users 20]
 * </pre>
 */
public final class JwksRotation {
  private JwksRotation() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "15"));
    int threads = Integer.parseInt(opts.getOrDefault("threads", "2"));
    long rotateMs = Long.parseLong(opts.getOrDefault("rotate-ms", "2000"));
    int users = Integer.parseInt(opts.getOrDefault("users", "20"));
    System.out.printf(Locale.ROOT, "### JWKS layer: %d threads for %d s per mode, a key rotation every "
        + "%d ms, %d users' tokens per key (RS256, loopback FakeProvider)%n%n", threads, seconds, rotateMs, users);
    System.out.println("| mode | validations/s | rotations | JWKS fetches | rejected | unavailable |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (boolean cached : new boolean[] {false, true}) {
      run(cached, seconds, threads, rotateMs, users);
    }
    System.out.println();
  }

  private static void run(boolean cached, int seconds, int threads, long rotateMs, int users) throws Exception {
    try (FakeProvider provider = FakeProvider.start(Fixture.CLIENT_ID)) {
      provider.jwksCacheControl("max-age=2");
      TestIssuer issuer = provider.issuer();
      try (RemoteKeySource keys = RemoteKeySource.builder()
          .jwksUri(provider.jwksUri())
          .allowInsecureLoopbackHttp()
          .expectedAlgorithms(Set.of(JwsAlgorithm.RS256))
          .minCacheTtl(Duration.ofSeconds(1))
          .defaultCacheTtl(Duration.ofSeconds(2))
          .maxCacheTtl(Duration.ofSeconds(2))
          .unknownKidCooldown(Duration.ofSeconds(1))
          .build()) {
        IdTokenValidator.Builder b = IdTokenValidator.builder()
            .issuer(provider.issuerUrl())
            .clientId(Fixture.CLIENT_ID)
            .keySource(keys);
        if (cached) {
          b.cacheVerifiedTokens(10_000);
        }
        IdTokenValidator validator = b.build();
        AtomicReference<List<String>> tokens = new AtomicReference<>(mint(issuer, users));
        // Warm-up, which also waits for the first fetch.
        for (int i = 0; i < 200; i++) {
          if (!validator.validate(tokens.get().get(i % users)).isValid()) {
            throw new IllegalStateException("warm-up token rejected");
          }
        }
        int fetchesBefore = provider.jwksRequests();
        AtomicLong valid = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
          int offset = t * 7;
          Thread worker = new Thread(() -> {
            long ok = 0;
            long bad = 0;
            long down = 0;
            int i = offset;
            while (System.nanoTime() < deadline) {
              List<String> current = tokens.get();
              ValidationResult r = validator.validate(current.get(i++ % current.size()));
              if (r.isValid()) {
                ok++;
              } else if (r instanceof ValidationResult.Unavailable) {
                down++;
              } else {
                bad++;
              }
            }
            valid.addAndGet(ok);
            rejected.addAndGet(bad);
            unavailable.addAndGet(down);
            done.countDown();
          }, "jwks-bench-" + t);
          worker.start();
        }
        int rotations = 0;
        Deque<String> kids = new ArrayDeque<>();
        kids.add(issuer.signingKey().kid());
        while (System.nanoTime() + rotateMs * 1_000_000L < deadline) {
          Thread.sleep(rotateMs);
          TestKey next = issuer.rotate();
          kids.addLast(next.kid());
          tokens.set(mint(issuer, users));
          if (kids.size() > 2) {
            issuer.removeKey(kids.removeFirst());
          }
          rotations++;
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %d | %d | %d | %d |%n",
            cached ? "idtoken, verified-token cache" : "idtoken, cold",
            valid.get() / elapsed, rotations, provider.jwksRequests() - fetchesBefore,
            rejected.get(), unavailable.get());
      }
    }
  }

  private static List<String> mint(TestIssuer issuer, int users) {
    List<String> tokens = new ArrayList<>(users);
    for (int u = 0; u < users; u++) {
      tokens.add(issuer.token().subject("user-" + u).sign());
    }
    return List.copyOf(tokens);
  }
}
