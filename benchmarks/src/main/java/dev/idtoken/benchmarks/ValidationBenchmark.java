package dev.idtoken.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: time and allocation of one full validation of the fixture's valid token, per candidate and
 * algorithm. The candidate checks itself for honesty in {@link #setUp()} (valid passes; tampered,
 * expired and wrong-audience fail). State is shared, so with {@code -t 2} both threads use one
 * validator (and one verified-token cache), as a server does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValidationBenchmark {
  /** The algorithm: RS256, PS256, ES256 or EdDSA. */
  @Param({"RS256"})
  public String alg;

  /** The candidate, one of {@link Candidates#ALL}. */
  @Param({"idtoken-cold"})
  public String candidate;

  private Candidate validator;
  private String token;

  /** Builds the fixture and the candidate, and checks the candidate. */
  @Setup
  public void setUp() {
    Fixture fixture = Fixture.of(Fixture.Alg.valueOf(alg));
    validator = Candidates.create(candidate, fixture);
    token = fixture.valid;
  }

  /** One validation of the valid token. */
  @Benchmark
  public boolean validate() {
    return validator.validate(token);
  }
}
