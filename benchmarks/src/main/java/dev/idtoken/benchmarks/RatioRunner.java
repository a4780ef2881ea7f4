package dev.idtoken.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;

/**
 * Ratios that hold on a noisy, shared machine: all candidates of one algorithm in one JVM, run in
 * short round-robin slices in a fresh random order each round; each round gives every candidate's
 * throughput relative to the raw limit (and to each other) measured within a second or so, and the
 * result is the median of those per-round ratios, with the 10th-90th percentile spread. Each round
 * gives every candidate its time in several short slices, in passes of fresh random order, so that a
 * burst of load falls on all candidates of the round alike. Another
 * process that steals the CPU for a while slows every candidate of that round alike, so it moves the
 * ratios far less than it moves back-to-back absolute timings.
 *
 * <p>Also reports nanoseconds per validation (median of rounds) and bytes allocated per validation
 * (from the JVM's per-thread allocation counters).
 *
 * <pre>
 * java -cp benchmarks.jar dev.idtoken.benchmarks.RatioRunner [--algs RS256,PS256,ES256,EdDSA]
 *     [--candidates raw,idtoken-cold,...] [--threads 1] [--rounds 30] [--slice-ms 200] [--passes 4] [--warmup-ms 4000]
 *     [--scaling true]
 * </pre>
 *
 * <p>With {@code --scaling true}, each candidate runs both on one thread and on two (one shared
 * instance), as two interleaved entries, and the table gives the throughput of two threads over one,
 * per round: on a 2-core machine, 2.00 is perfect scaling.
 */
public final class RatioRunner {
  private static final String LIMIT = "raw";
  private static final String ACCP_LIMIT = "raw-accp";
  private static final String OURS = "idtoken-cold";

  private final int threads;
  private final int rounds;
  private final int passes;
  private final long sliceNanos;
  private final long warmupNanos;
  private final boolean scaling;
  private final com.sun.management.ThreadMXBean mx =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private RatioRunner(int threads, int rounds, int passes, long sliceMs, long warmupMs, boolean scaling) {
    this.threads = scaling ? 2 : threads;
    this.scaling = scaling;
    this.rounds = rounds;
    this.passes = passes;
    this.sliceNanos = sliceMs * 1_000_000;
    this.warmupNanos = warmupMs * 1_000_000;
  }

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> algs = Arrays.asList(opts.getOrDefault("algs", "RS256,PS256,ES256,EdDSA").split(","));
    List<String> names = Arrays.asList(opts.getOrDefault("candidates", String.join(",", Candidates.ALL)).split(","));
    RatioRunner runner = new RatioRunner(Integer.parseInt(opts.getOrDefault("threads", "1")),
        Integer.parseInt(opts.getOrDefault("rounds", "30")),
        Integer.parseInt(opts.getOrDefault("passes", "4")),
        Long.parseLong(opts.getOrDefault("slice-ms", "200")),
        Long.parseLong(opts.getOrDefault("warmup-ms", "4000")),
        Boolean.parseBoolean(opts.getOrDefault("scaling", "false")));
    if (runner.scaling) {
      System.out.printf(Locale.ROOT, "### Scaling: the same candidate on 1 and on 2 threads, interleaved (%d rounds;"
          + " per round each runs %d ms in %d shuffled slices; %s)%n%n",
          runner.rounds, runner.sliceNanos / 1_000_000, runner.passes, Runtime.version());
    } else {
      System.out.printf(Locale.ROOT, "### Interleaved ratios, %d thread%s (%d rounds; per round each candidate "
          + "runs %d ms in %d shuffled slices; %s)%n%n",
          runner.threads, runner.threads == 1 ? "" : "s", runner.rounds, runner.sliceNanos / 1_000_000,
          runner.passes, Runtime.version());
    }
    for (String alg : algs) {
      runner.run(Fixture.Alg.valueOf(alg), names);
    }
  }

  private void run(Fixture.Alg alg, List<String> names) throws Exception {
    Fixture fixture = Fixture.of(alg);
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    Map<String, Integer> active = new LinkedHashMap<>(); // how many of the threads run each entry
    List<String> skipped = new ArrayList<>();
    for (String name : names) {
      String why = Candidates.unsupported(name, alg);
      if (why != null) {
        skipped.add(name + ": " + why);
      } else if (scaling) {
        // One instance shared by both entries, as a server shares one validator across threads.
        Candidate c = Candidates.create(name, fixture);
        candidates.put(name + " ×1", c);
        active.put(name + " ×1", 1);
        candidates.put(name + " ×2", c);
        active.put(name + " ×2", 2);
      } else {
        candidates.put(name, Candidates.create(name, fixture));
        active.put(name, threads);
      }
    }
    String token = fixture.valid;
    Workers workers = new Workers(threads);
    try {
      // Warm-up: round-robin short slices, so every candidate is compiled before any is measured.
      long warmSlice = Math.max(sliceNanos / 4, 20_000_000L);
      long end = System.nanoTime() + warmupNanos;
      while (System.nanoTime() < end) {
        for (Map.Entry<String, Candidate> c : candidates.entrySet()) {
          workers.slice(c.getValue(), token, warmSlice, active.get(c.getKey()));
        }
      }
      Map<String, double[]> nsPerOp = new LinkedHashMap<>();
      Map<String, double[]> bytesPerOp = new LinkedHashMap<>();
      Map<String, double[]> cpuPerOp = new LinkedHashMap<>();
      for (String name : candidates.keySet()) {
        nsPerOp.put(name, new double[rounds]);
        bytesPerOp.put(name, new double[rounds]);
        cpuPerOp.put(name, new double[rounds]);
      }
      Random random = new Random(42);
      List<String> order = new ArrayList<>(candidates.keySet());
      for (int r = 0; r < rounds; r++) {
        // A round is several passes; in each, every candidate runs one sub-slice, in a fresh order.
        // A burst of load from another process then falls on all candidates of the round alike.
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (int pass = 0; pass < passes; pass++) {
          Collections.shuffle(order, random);
          for (String name : order) {
            Slice s = workers.slice(candidates.get(name), token, sliceNanos / passes, active.get(name));
            long[] sum = sums.computeIfAbsent(name, k -> new long[4]);
            sum[0] += s.ops;
            sum[1] += s.nanos;
            sum[2] += s.bytes;
            sum[3] += s.cpuNanos;
          }
        }
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
          long[] sum = e.getValue();
          // Throughput over all threads, expressed as wall time per validation.
          nsPerOp.get(e.getKey())[r] = (double) sum[1] / sum[0];
          bytesPerOp.get(e.getKey())[r] = (double) sum[2] / sum[0];
          cpuPerOp.get(e.getKey())[r] = (double) sum[3] / sum[0];
        }
      }
      if (scaling) {
        printScaling(alg, fixture, nsPerOp, bytesPerOp);
      } else {
        print(alg, fixture, nsPerOp, bytesPerOp, skipped, "");
        // The same rounds timed by the worker threads' CPU time: what a loaded machine's time
        // slicing does to wall time (another process running in the middle of a slice) leaves it
        // out, so on a busy machine these ratios are the steadier ones.
        print(alg, fixture, cpuPerOp, bytesPerOp, List.of(), ", by thread CPU time");
      }
    } finally {
      workers.close();
    }
  }

  private void print(Fixture.Alg alg, Fixture fixture, Map<String, double[]> ns,
      Map<String, double[]> bytes, List<String> skipped, String timing) {
    System.out.printf(Locale.ROOT, "#### %s (token %d characters, %d thread%s%s)%n%n", alg,
        fixture.valid.length(), threads, threads == 1 ? "" : "s", timing);
    double[] limit = ns.get(LIMIT);
    double[] accpLimit = ns.get(ACCP_LIMIT);
    double[] ours = ns.get(OURS);
    System.out.println("| candidate | µs/validation | ratio to limit (raw time ÷ its time) | p10–p90 | idtoken-cold is faster by (its time ÷ cold time) | KB allocated/validation |"
        + (accpLimit == null ? "" : " ratio to Corretto's limit (raw-accp time ÷ its time) | p10–p90 |"));
    System.out.println("|---|---:|---:|---:|---:|---:|" + (accpLimit == null ? "" : "---:|---:|"));
    for (Map.Entry<String, double[]> e : ns.entrySet()) {
      double[] c = e.getValue();
      String toLimit = "n/a";
      String spread = "";
      if (limit != null) {
        double[] ratios = ratios(limit, c);
        toLimit = fmt(percentile(ratios, 50));
        spread = fmt(percentile(ratios, 10)) + "–" + fmt(percentile(ratios, 90));
      }
      String vsOurs = ours == null ? "n/a" : fmt(percentile(ratios(c, ours), 50)) + "×";
      String toAccp = "";
      if (accpLimit != null) {
        double[] ratios = ratios(accpLimit, c);
        toAccp = " " + fmt(percentile(ratios, 50)) + " | " + fmt(percentile(ratios, 10)) + "–"
            + fmt(percentile(ratios, 90)) + " |";
      }
      System.out.printf(Locale.ROOT, "| %s | %.2f | %s | %s | %s | %.1f |%s%n", e.getKey(),
          percentile(c, 50) / 1000, toLimit, spread, vsOurs, percentile(bytes.get(e.getKey()), 50) / 1024, toAccp);
    }
    System.out.println();
    if (ours != null && ns.containsKey("idtoken-cached")) {
      System.out.printf(Locale.ROOT, "Cache hit ÷ cold: %.0f× faster (median of per-round ratios).%n%n",
          percentile(ratios(ours, ns.get("idtoken-cached")), 50));
    }
    for (String s : skipped) {
      System.out.println("- not measured: " + s);
    }
    if (!skipped.isEmpty()) {
      System.out.println();
    }
    System.out.flush();
  }

  private void printScaling(Fixture.Alg alg, Fixture fixture, Map<String, double[]> ns,
      Map<String, double[]> bytes) {
    System.out.printf(Locale.ROOT, "#### %s (token %d characters): throughput on 2 threads ÷ on 1%n%n", alg,
        fixture.valid.length());
    System.out.println("| candidate | µs/validation, 1 thread | µs/validation, 2 threads (wall time ÷ validations) | 2 threads ÷ 1 thread (throughput) | p10–p90 | KB allocated/validation (1 / 2 threads) |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (String key : ns.keySet()) {
      if (!key.endsWith(" ×1")) {
        continue;
      }
      String name = key.substring(0, key.length() - 2).trim();
      double[] one = ns.get(key);
      double[] two = ns.get(name + " ×2");
      double[] speedup = ratios(one, two);
      System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %s | %s–%s | %.1f / %.1f |%n", name,
          percentile(one, 50) / 1000, percentile(two, 50) / 1000, fmt(percentile(speedup, 50)),
          fmt(percentile(speedup, 10)), fmt(percentile(speedup, 90)),
          percentile(bytes.get(key), 50) / 1024, percentile(bytes.get(name + " ×2"), 50) / 1024);
    }
    System.out.println();
    System.out.flush();
  }

  /** Per-round {@code a[r] / b[r]}. */
  private static double[] ratios(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] / b[i];
    }
    return out;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double pos = (sorted.length - 1) * p / 100.0;
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private record Slice(long ops, long nanos, long bytes, long cpuNanos) {}

  /** Threads that run one candidate together for one slice at a time. */
  private final class Workers {
    private final int n;
    private final Thread[] threads;
    private final CyclicBarrier start;
    private final CyclicBarrier done;
    private final long[] ops;
    private volatile Candidate candidate;
    private volatile String token;
    private volatile long deadline;
    private volatile int active;
    private volatile boolean closed;
    private volatile String failure;

    Workers(int n) {
      this.n = n;
      this.threads = new Thread[n];
      this.start = new CyclicBarrier(n + 1);
      this.done = new CyclicBarrier(n + 1);
      this.ops = new long[n];
      for (int i = 0; i < n; i++) {
        int id = i;
        threads[i] = new Thread(() -> loop(id), "ratio-worker-" + i);
        threads[i].setDaemon(true);
        threads[i].start();
      }
    }

    private void loop(int id) {
      try {
        while (true) {
          start.await();
          if (closed) {
            return;
          }
          if (id >= active) {
            ops[id] = 0; // this slice runs on fewer threads; this one idles
            done.await();
            continue;
          }
          Candidate c = candidate;
          String t = token;
          long end = deadline;
          long count = 0;
          boolean allValid = true;
          do {
            // Batches of 8 keep the clock reads out of the cost of the cheap candidates.
            for (int k = 0; k < 8; k++) {
              allValid &= c.validate(t);
            }
            count += 8;
          } while (System.nanoTime() < end);
          if (!allValid) {
            failure = "a valid token was rejected during measurement";
          }
          ops[id] = count;
          done.await();
        }
      } catch (Exception e) {
        failure = e.toString();
      }
    }

    Slice slice(Candidate c, String t, long nanos, int activeThreads) throws Exception {
      candidate = c;
      token = t;
      active = activeThreads;
      long[] before = new long[n];
      long[] cpuBefore = new long[n];
      for (int i = 0; i < n; i++) {
        before[i] = mx.getThreadAllocatedBytes(threads[i].getId());
        cpuBefore[i] = mx.getThreadCpuTime(threads[i].getId());
      }
      long t0 = System.nanoTime();
      deadline = t0 + nanos;
      start.await();
      done.await();
      long elapsed = System.nanoTime() - t0;
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
      long total = 0;
      long bytes = 0;
      long cpu = 0;
      for (int i = 0; i < n; i++) {
        total += ops[i];
        bytes += mx.getThreadAllocatedBytes(threads[i].getId()) - before[i];
        cpu += mx.getThreadCpuTime(threads[i].getId()) - cpuBefore[i];
      }
      return new Slice(total, elapsed, bytes, cpu);
    }

    void close() throws Exception {
      closed = true;
      start.await();
    }
  }
}
