package dev.idtoken.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ValidationBenchmark} for every supported candidate and algorithm with JMH's GC
 * profiler, one fork each, and prints a Markdown table of time and allocation per validation.
 * Absolute times on a shared machine move with its load; for ratios, trust {@link RatioRunner}.
 *
 * <pre>
 * java -cp benchmarks.jar dev.idtoken.benchmarks.JmhSuite [--algs RS256,...] [--candidates ...]
 *     [--threads 1,2] [--warmup 3] [--iterations 5] [--seconds 1]
 * </pre>
 */
public final class JmhSuite {
  private JmhSuite() {}

  /** Entry point; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<String> algs = Arrays.asList(opts.getOrDefault("algs", "RS256,PS256,ES256,EdDSA").split(","));
    List<String> names = Arrays.asList(opts.getOrDefault("candidates",
        "raw,idtoken-cold,idtoken-cached,jose4j,nimbus,auth0").split(","));
    List<Integer> threads = Arrays.stream(opts.getOrDefault("threads", "1").split(","))
        .map(Integer::parseInt).toList();
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "3"));
    int iterations = Integer.parseInt(opts.getOrDefault("iterations", "5"));
    int seconds = Integer.parseInt(opts.getOrDefault("seconds", "1"));

    List<String[]> rows = new ArrayList<>();
    for (int t : threads) {
      for (String alg : algs) {
        List<String> supported = names.stream()
            .filter(n -> Candidates.unsupported(n, Fixture.Alg.valueOf(alg)) == null).toList();
        ChainedOptionsBuilder options = new OptionsBuilder()
            .include(ValidationBenchmark.class.getName() + ".validate")
            .param("alg", alg)
            .param("candidate", supported.toArray(new String[0]))
            .threads(t)
            .forks(1)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .addProfiler(GCProfiler.class)
            .jvmArgsAppend("-Xms1g", "-Xmx1g");
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> byCandidate = new LinkedHashMap<>();
        for (RunResult r : results) {
          String candidate = r.getParams().getParam("candidate");
          Result<?> primary = r.getPrimaryResult();
          double bytes = Double.NaN;
          var secondary = r.getSecondaryResults();
          for (String key : secondary.keySet()) {
            if (key.endsWith("gc.alloc.rate.norm")) {
              bytes = secondary.get(key).getScore();
            }
          }
          byCandidate.put(candidate, new double[] {primary.getScore(), primary.getScoreError(), bytes});
        }
        double[] raw = byCandidate.get("raw");
        for (Map.Entry<String, double[]> e : byCandidate.entrySet()) {
          double[] v = e.getValue();
          rows.add(new String[] {alg, Integer.toString(t), e.getKey(),
              String.format(Locale.ROOT, "%.2f ± %.2f", v[0], v[1]),
              raw == null ? "n/a" : String.format(Locale.ROOT, "%.2f", raw[0] / v[0]),
              String.format(Locale.ROOT, "%.1f", v[2] / 1024)});
        }
      }
    }
    System.out.println();
    System.out.println("### JMH: time and allocation per validation (" + Runtime.version() + ")");
    System.out.println();
    System.out.println("| alg | threads | candidate | µs/validation (avg ± 99.9% CI) | raw ÷ it (not interleaved) | KB allocated/validation (-prof gc) |");
    System.out.println("|---|---:|---|---:|---:|---:|");
    for (String[] row : rows) {
      System.out.println("| " + String.join(" | ", row) + " |");
    }
    System.out.println();
  }
}
