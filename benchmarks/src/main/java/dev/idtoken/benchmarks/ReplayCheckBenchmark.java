package dev.idtoken.benchmarks;

import dev.idtoken.redis.RedisReplayGuard;
import dev.idtoken.redis.RedisServer;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.InMemoryReplayGuard;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ReplayGuardException;
import dev.idtoken.validator.ValidationResult;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What one-time use adds to a login: the replay check through each guard, beside the cold RS256
 * validation it follows. Sampled (JMH {@code SampleTime}), so {@link ReplaySuite} reports percentiles.
 *
 * <ul>
 *   <li>{@code cold}: a full RS256 validation, no cache, no guard: the baseline.
 *   <li>{@code cached} and {@code cachedWithNoopGuard}: a verified-token cache hit without and with
 *       one-time use on a guard that does nothing; the difference is the validator's own share
 *       (deriving the SHA-256 replay key from the verified claims).
 *   <li>{@code memoryRecord}, {@code redisRecord}: one {@code tryRecord} of a new key (a first use, the
 *       login path), in memory and through Redis on loopback ({@code SET NX PXAT}, AOF with
 *       {@code appendfsync everysec}, as a production server would run).
 *   <li>{@code coldWithRedisGuard}: the whole login, a cold validation plus the Redis check (the same
 *       token each time, so every call after the first is the replay path, one round trip as well).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReplayCheckBenchmark {
  private static final String KEY_PREFIX = "jBENCHMARK-replay-key-derived-from-claims-";

  private Fixture fixture;
  private IdTokenValidator cold;
  private IdTokenValidator cached;
  private Expectations noopLogin;
  private Expectations redisLogin;
  private InMemoryReplayGuard memory;
  private RedisServer server;
  private RedisReplayGuard redis;
  private final AtomicLong counter = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    fixture = Fixture.of(Fixture.Alg.RS256);
    KeySet keys = KeySet.parse(fixture.issuer.jwksJson());
    cold = IdTokenValidator.builder().issuer(Fixture.ISSUER).clientId(Fixture.CLIENT_ID).keySource(keys).build();
    cached = IdTokenValidator.builder().issuer(Fixture.ISSUER).clientId(Fixture.CLIENT_ID).keySource(keys)
        .cacheVerifiedTokens(1000).build();
    noopLogin = Expectations.builder().oneTimeUse((key, keepUntil) -> true).build();
    // Big enough for any run here; entries live 50 ms, so a full guard purges rather than refuses.
    memory = InMemoryReplayGuard.builder().maximumEntries(2_000_000).build();
    server = RedisServer.start("--appendfsync", "everysec");
    redis = RedisReplayGuard.builder().port(server.port()).build();
    redisLogin = Expectations.builder().oneTimeUse(redis).build();
    try {
      // Honesty checks: each path gives the outcome it claims to measure. A minute ahead: the first
      // call opens the connection, which a cold JVM on a loaded machine can take seconds to do, and
      // a record whose keepUntil has passed is (rightly) forgotten at once.
      check(cold.validate(fixture.valid).isValid(), "cold");
      check(cached.validate(fixture.valid, noopLogin).isValid(), "cached");
      check(redis.tryRecord(KEY_PREFIX + "check", Instant.now().plusSeconds(60)), "redis first use");
      check(!redis.tryRecord(KEY_PREFIX + "check", Instant.now().plusSeconds(60)), "redis replay");
      check(memory.tryRecord(KEY_PREFIX + "check", Instant.now().plusSeconds(60)), "memory first use");
      check(!memory.tryRecord(KEY_PREFIX + "check", Instant.now().plusSeconds(60)), "memory replay");
    } catch (Exception | Error e) {
      tearDown(); // JMH does not tear down a trial whose set-up failed
      throw e;
    }
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark set-up check failed: " + what);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    redis.close();
    server.close();
  }

  @Benchmark
  public ValidationResult cold() {
    return cold.validate(fixture.valid);
  }

  @Benchmark
  public ValidationResult cached() {
    return cached.validate(fixture.valid);
  }

  @Benchmark
  public ValidationResult cachedWithNoopGuard() {
    return cached.validate(fixture.valid, noopLogin);
  }

  @Benchmark
  public boolean memoryRecord() throws ReplayGuardException {
    return memory.tryRecord(KEY_PREFIX + counter.incrementAndGet(), Instant.now().plusMillis(50));
  }

  @Benchmark
  public boolean redisRecord() throws ReplayGuardException {
    return redis.tryRecord(KEY_PREFIX + counter.incrementAndGet(), Instant.now().plusSeconds(10));
  }

  @Benchmark
  public ValidationResult coldWithRedisGuard() {
    return cold.validate(fixture.valid, redisLogin);
  }
}
