package dev.idtoken.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * Runs {@link ReplayCheckBenchmark} with 1 and 2 threads and prints a Markdown table of latency
 * percentiles and throughput (threads ÷ mean time: each thread runs one call after another).
 *
 * <pre>
 * java -cp benchmarks.jar dev.idtoken.benchmarks.ReplaySuite [--threads 1,2] [--warmup 3]
 *     [--iterations 5] [--seconds 1]
 * </pre>
 */
public final class ReplaySuite {
  private ReplaySuite() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int iterations = Integer.parseInt(opts.getOrDefault("iterations", "5"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "1"));
    List<String> rows = new ArrayList<>();
    for (String t : opts.getOrDefault("threads", "1,2").split(",")) {
      int threads = Integer.parseInt(t);
      var options = new OptionsBuilder()
          .include(ReplayCheckBenchmark.class.getName() + "\\.")
          .threads(threads)
          .forks(1)
          .warmupIterations(warmup)
          .warmupTime(TimeValue.seconds(seconds))
          .measurementIterations(iterations)
          .measurementTime(TimeValue.seconds(seconds))
          .jvmArgsAppend("-Xms1g", "-Xmx1g", "-XX:+UseParallelGC")
          .build();
      for (RunResult r : new Runner(options).run()) {
        Statistics s = r.getPrimaryResult().getStatistics();
        String name = r.getParams().getBenchmark();
        name = name.substring(name.lastIndexOf('.') + 1);
        rows.add(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %,.0f |",
            name, threads, s.getPercentile(50), s.getPercentile(90), s.getPercentile(99),
            s.getPercentile(99.9), s.getMean(), threads * 1e6 / s.getMean()));
      }
    }
    System.out.println();
    System.out.println("### JMH: replay check per login (" + Runtime.version() + ")");
    System.out.println();
    System.out.println("| benchmark | threads | p50 µs | p90 µs | p99 µs | p99.9 µs | mean µs | ops/s (all threads) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
    System.out.println();
  }
}
