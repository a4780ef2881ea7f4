package dev.idtoken.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idtoken.jwks.FetchScheduler;
import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.KeySourceListener;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.ValidationResult;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Multi-tenant scale of {@code IssuerRegistry}: N issuers registered at once, all served by one
 * loopback host (a JDK {@code HttpServer} on 4 threads serving per-issuer discovery and JWKS), as
 * when many customers are tenants of one SaaS provider. Reports, per N: the time until every
 * issuer's keys are loaded, failed fetches, the peak of concurrent fetches (the registry's
 * {@code FetchScheduler}, and requests in progress at the server), live threads (peak over the
 * baseline, threads started), tasks left scheduled after {@code close()}, heap per issuer (loaded,
 * and registered but idle with the registry's default lazy loading), and the latency of validations
 * for tenants already loaded while the others load (one thread, RS256, no verified-token cache).
 *
 * <p>Every issuer's JWKS holds the same RSA key (parsed separately by each issuer's source), so
 * that setting up 10,000 issuers costs no key generation. Run it on a quiet machine where possible;
 * the figures depend on the load.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks.jar dev.idtoken.benchmarks.MultiTenantScale [--issuers 1000,10000]
 * </pre>
 */
public final class MultiTenantScale {
  private static final String CLIENT_ID = "scale-client";
  private static final int LOADED_TENANTS = 50;
  private static final long PACE_NANOS = 400_000;
  private static final boolean DEBUG = Boolean.getBoolean("scale.debug");

  private MultiTenantScale() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int[] sizes = Arrays.stream(opts.getOrDefault("issuers", "1000,10000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    TestIssuer template = TestIssuer.create("https://template.example", CLIENT_ID);
    byte[] jwks = template.jwksJson().getBytes(StandardCharsets.UTF_8);
    // A provider's response time: 0 answers at once (loading is then CPU-bound, this process's own
    // server included); a few tens of milliseconds is a provider across a network.
    int latencyMs = Integer.parseInt(opts.getOrDefault("latency-ms", "0"));
    try (Server server = new Server(jwks, latencyMs)) {
      int jvmBaseline = ManagementFactory.getThreadMXBean().getThreadCount();
      System.out.printf(Locale.ROOT, "### Multi-tenant scale: N issuers registered at once, one loopback host "
          + "(JDK HttpServer, 4 threads, each response after %d ms), %d cores, load average at start %s%n%n",
          latencyMs, Runtime.getRuntime().availableProcessors(), loadAverage());
      System.out.println("| N | all keys loaded | failed fetches | peak concurrent fetches (limit) "
          + "| peak at server | peak live threads over the JVM's before any registry | threads started in the run "
          + "| tasks after close() "
          + "| heap per loaded issuer | heap per idle issuer | validation p50 / p99 / max while loading |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
      run(server, template, 200, false, jvmBaseline); // warm-up, not shown
      for (int n : sizes) {
        run(server, template, n, true, jvmBaseline);
      }
      System.out.println();
    }
  }

  /** @param jvmBaseline live threads before any registry existed (the server's included) */
  private static void run(Server server, TestIssuer template, int n, boolean print, int jvmBaseline)
      throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long[] latencies = new long[4_000_000];
    AtomicInteger fetched = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    KeySourceListener listener = new KeySourceListener() {
      @Override
      public void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
        fetched.incrementAndGet();
      }

      @Override
      public void fetchFailed(URI source, String reason, int consecutiveFailures) {
        failed.incrementAndGet();
      }
    };
    server.reset();
    long startedBefore = threads.getTotalStartedThreadCount();
    threads.resetPeakThreadCount();

    IssuerRegistry registry = IssuerRegistry.builder().dangerouslyAllowPrivateAddresses()
        .keySourceDefaults(keys -> keys.allowInsecureLoopbackHttp().listener(listener))
        .loadKeysEagerly()
        .build();
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
    // Tenants already loaded, whose tokens are validated while the others load.
    String[] tokens = new String[LOADED_TENANTS];
    for (int i = 0; i < LOADED_TENANTS; i++) {
      String issuer = server.issuer("loaded-" + i);
      registry.register(issuer, CLIENT_ID);
      tokens[i] = TestIssuer.create(issuer, CLIENT_ID).useSigningKey(template.signingKey()).token().sign();
    }
    awaitCount(fetched, failed, LOADED_TENANTS);
    for (String token : tokens) {
      check(validator.validate(token));
    }
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger measured = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    java.util.Set<String> names = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread validating = new Thread(() -> {
      int i = 0;
      while (loading.get() && i < latencies.length) {
        if (DEBUG && i % 100 == 0) {
          for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            if (names.add(t.getKey().getName()) && t.getKey().getName().startsWith("Thread-") && names.size() < 40) {
              System.out.println(t.getKey().getName() + " " + Arrays.toString(t.getValue()));
            }
          }
        }
        long start = System.nanoTime();
        ValidationResult result = validator.validate(tokens[i % tokens.length]);
        latencies[i++] = System.nanoTime() - start;
        if (!result.isValid()) {
          bad.incrementAndGet();
        }
        // About 2,000 validations/s: a steady request stream, not a spinning core taken from the loading.
        java.util.concurrent.locks.LockSupport.parkNanos(PACE_NANOS);
      }
      measured.set(i);
    }, "validating");
    validating.start();

    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      registry.register(server.issuer("t" + i), CLIENT_ID);
    }
    awaitCount(fetched, failed, LOADED_TENANTS + n);
    long loadedNanos = System.nanoTime() - start;
    loading.set(false);
    validating.join();
    if (DEBUG) {
      System.out.println("threads seen: " + names.size() + " " + names.stream().sorted().limit(60).toList());
    }
    int peakThreads = threads.getPeakThreadCount();
    long threadsStarted = threads.getTotalStartedThreadCount() - startedBefore;
    int peakFetches = registry.fetchScheduler().peakRunningFetches();
    long usedLoaded = usedHeap(memory);

    registry.close();
    int left = registry.fetchScheduler().scheduledTasks();
    // What the issuers held: the heap with them loaded, less the heap once they are closed and gone.
    long heapLoaded = usedLoaded - usedHeap(memory);

    // The registry's default: keys load on the first token, so registering costs no fetch.
    int requestsBefore = server.requests.get();
    IssuerRegistry lazy = IssuerRegistry.builder().dangerouslyAllowPrivateAddresses().keySourceDefaults(keys -> keys.allowInsecureLoopbackHttp()).build();
    for (int i = 0; i < n; i++) {
      lazy.register(server.issuer("idle" + i), CLIENT_ID);
    }
    long usedIdle = usedHeap(memory);
    int idleRequests = server.requests.get() - requestsBefore;
    int idleTasks = lazy.fetchScheduler().scheduledTasks();
    lazy.close();
    long heapIdle = usedIdle - usedHeap(memory);

    if (!print) {
      return;
    }
    long[] sorted = Arrays.copyOf(latencies, measured.get());
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "| %,d | %.1f s | %d | %d (%d) | %d | +%d (baseline %d) | %d | %d "
            + "| %.2f KB | %.2f KB%s | %s / %s / %s µs (%,d validations%s) |%n",
        n, loadedNanos / 1e9, failed.get(), peakFetches, FetchScheduler.DEFAULT_MAX_FETCHES_PER_HOST, server.peak.get(),
        peakThreads - jvmBaseline, jvmBaseline, threadsStarted, left, heapLoaded / 1024.0 / (n + LOADED_TENANTS), heapIdle / 1024.0 / n,
        idleRequests == 0 && idleTasks == 0 ? " (0 requests, 0 tasks)"
            : " (" + idleRequests + " requests, " + idleTasks + " tasks)",
        micros(sorted, 0.50), micros(sorted, 0.99), micros(sorted, 1.0), sorted.length,
        bad.get() == 0 ? "" : ", " + bad.get() + " not valid");
  }

  private static String micros(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return "-";
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return String.format(Locale.ROOT, "%.0f", sorted[Math.max(0, index)] / 1000.0);
  }

  private static void check(ValidationResult result) {
    if (!result.isValid()) {
      throw new IllegalStateException("a loaded tenant's token is not valid: " + result);
    }
  }

  private static void awaitCount(AtomicInteger fetched, AtomicInteger failed, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (fetched.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + fetched.get() + " of " + count + " loaded, "
            + failed.get() + " failed fetches");
      }
      Thread.sleep(5); // a measurement, not a test: polling the counter is fine here
    }
  }

  private static long usedHeap(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static String loadAverage() {
    try {
      return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")),
          StandardCharsets.US_ASCII).trim().split(" ", 4)[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Per-issuer discovery and JWKS on one loopback host, 4 threads; counts requests in progress. */
  private static final class Server implements AutoCloseable {
    final HttpServer http;
    final ExecutorService pool = Executors.newFixedThreadPool(4);
    final byte[] jwks;
    final String base;
    final AtomicInteger inProgress = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    final int latencyMs;

    Server(byte[] jwks, int latencyMs) throws IOException {
      this.jwks = jwks;
      this.latencyMs = latencyMs;
      // Without TCP_NODELAY (off by default in the JDK's server, on in real providers' servers),
      // each response on a kept-alive connection waits out the client's delayed ACK: 40 ms per
      // fetch, which would make this measure the test server's Nagle delays, not the library.
      System.setProperty("sun.net.httpserver.nodelay", "true");
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      http.setExecutor(pool);
      http.createContext("/", this::handle);
      http.start();
      base = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    String issuer(String tenant) {
      return base + "/" + tenant;
    }

    void reset() {
      peak.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      peak.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
      requests.incrementAndGet();
      try {
        if (latencyMs > 0) {
          Thread.sleep(latencyMs); // the provider's response time; its 4 threads wait, as a busy provider's would
        }
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        String type;
        if (path.endsWith("/.well-known/openid-configuration")) {
          String issuer = base + path.substring(0, path.length() - "/.well-known/openid-configuration".length());
          body = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/jwks\","
              + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}").getBytes(StandardCharsets.UTF_8);
          type = "application/json";
        } else if (path.endsWith("/jwks")) {
          body = jwks;
          type = "application/jwk-set+json";
        } else {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inProgress.decrementAndGet();
        exchange.close();
      }
    }

    @Override
    public void close() {
      http.stop(0);
      pool.shutdownNow();
    }
  }
}
