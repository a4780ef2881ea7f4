package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A fake provider, a manual ticker, and key sources and servers that are closed after each test. */
abstract class SourceTestSupport {
  static final String CLIENT_ID = FakeProvider.DEFAULT_CLIENT_ID;

  FakeProvider provider;
  final ManualTicker ticker = new ManualTicker();
  final RecordingListener listener = new RecordingListener();
  /** Timers on the manual ticker, for sources built with {@link #withTimers}. */
  final ManualTimers timers = new ManualTimers(ticker);
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private static volatile boolean warmedUp;

  /**
   * Once per JVM, one unhurried JWKS exchange and parse: on a loaded two-core machine the JVM's very
   * first exchange (class loading in the HTTP client, the fake provider and the JWK parser) has been
   * seen to take over the tests' 3-second read timeout; every later one takes milliseconds.
   */
  @BeforeAll
  static void warmUp() throws Exception {
    if (warmedUp) {
      return;
    }
    try (FakeProvider warm = FakeProvider.start()) {
      HttpFetcher http = new HttpFetcher(HttpFetcher.newClient(Duration.ofSeconds(60), null), true,
          Duration.ofSeconds(60), 1 << 20, Runnable::run);
      try {
        byte[] body = http.get(warm.jwksUri(), "application/json", null).get(120, TimeUnit.SECONDS).body();
        KeySet.parse(new String(body, StandardCharsets.UTF_8));
      } finally {
        http.close();
      }
    }
    warmedUp = true;
  }

  @BeforeEach
  void startProvider() {
    provider = FakeProvider.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    provider.close();
  }

  /** Options every test source gets: loopback HTTP, manual ticker, refreshes started on the caller. */
  RemoteKeySource.Builder testDefaults(RemoteKeySource.Builder builder) {
    return builder
        .allowInsecureLoopbackHttp()
        .ticker(ticker)
        .executor(Runnable::run)
        .listener(listener)
        .readTimeout(Duration.ofSeconds(3)) // generous: the first exchange in a cold JVM is slow
        .maxWait(Duration.ofSeconds(3));
  }

  /**
   * Gives the source timers that fire as the manual ticker passes their time (by default a source
   * with an injected ticker has none, and due fetches start on calls only).
   */
  RemoteKeySource.Builder withTimers(RemoteKeySource.Builder builder) {
    builder.timers = timers;
    return builder;
  }

  /** A source for the fake provider's JWKS URI. */
  RemoteKeySource source(Consumer<RemoteKeySource.Builder> options) {
    RemoteKeySource.Builder builder = testDefaults(RemoteKeySource.builder().jwksUri(provider.jwksUri()));
    options.accept(builder);
    return track(builder.build());
  }

  /** A source that has completed its first fetch. */
  RemoteKeySource loadedSource(Consumer<RemoteKeySource.Builder> options) throws InterruptedException {
    RemoteKeySource source = source(options);
    listener.awaitCompletions(1);
    assertEquals(KeySourceHealth.Status.FRESH, source.health().status(), source.health()::toString);
    return source;
  }

  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  TestIssuer issuer() {
    return provider.issuer();
  }

  IdTokenValidator validator(RemoteKeySource source) {
    return validator(source, provider.issuerUrl());
  }

  static IdTokenValidator validator(RemoteKeySource source, String issuer) {
    return IdTokenValidator.builder().issuer(issuer).clientId(CLIENT_ID).keySource(source).build();
  }

  /** A valid token from the fake provider's issuer, signed with its current signing key. */
  String token() {
    return issuer().token().sign();
  }

  /** A valid token from the fake provider's issuer, signed with {@code key}. */
  String token(TestKey key) {
    return issuer().token().signWith(key).sign();
  }

  /** A well-formed token naming {@code kid}, with a junk signature: what a flood looks like. */
  static String forged(TestIssuer issuer, String kid) {
    return issuer.token().kid(kid).signingInput() + ".AAAA";
  }

  static void assertValid(ValidationResult result) {
    assertTrue(result.isValid(), () -> "expected valid, got " + result);
  }

  static void assertInvalid(ErrorCode code, ValidationResult result) {
    assertInstanceOf(ValidationResult.Invalid.class, result, () -> "expected invalid, got " + result);
    assertEquals(code, ((ValidationResult.Invalid) result).code());
  }

  static void assertUnavailable(ValidationResult result) {
    assertInstanceOf(ValidationResult.Unavailable.class, result, () -> "expected unavailable, got " + result);
  }

  /** Unavailable, with this retry-after hint. */
  static void assertUnavailable(Duration retryAfter, ValidationResult result) {
    assertUnavailable(result);
    assertEquals(Optional.of(retryAfter), ((ValidationResult.Unavailable) result).retryAfter(), result::toString);
  }
}
