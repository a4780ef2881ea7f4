package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A provider, a manual ticker, and key sources that are closed after each test. */
abstract class SourceTestSupport {
  static final String ISSUER = "https://issuer.example";

  TestProvider provider;
  final ManualTicker ticker = new ManualTicker();
  final RecordingListener listener = new RecordingListener();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startProvider() throws Exception {
    provider = new TestProvider();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    provider.close();
  }

  /** A source for the provider's JWKS: loopback HTTP, manual ticker, refreshes on the caller. */
  RemoteKeySource source(Consumer<RemoteKeySource.Builder> options) {
    RemoteKeySource.Builder builder = RemoteKeySource.builder()
        .jwksUri(provider.jwksUri())
        .allowInsecureLoopbackHttp()
        .ticker(ticker)
        .executor(Runnable::run)
        .listener(listener)
        .readTimeout(Duration.ofMillis(500))
        .maxWait(Duration.ofSeconds(2));
    options.accept(builder);
    return track(builder.build());
  }

  /** A source that has completed its first fetch. */
  RemoteKeySource loadedSource(Consumer<RemoteKeySource.Builder> options) throws InterruptedException {
    RemoteKeySource source = source(options);
    listener.awaitCompletions(1);
    return source;
  }

  <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  static IdTokenValidator validator(RemoteKeySource source) {
    return validator(source, ISSUER);
  }

  static IdTokenValidator validator(RemoteKeySource source, String issuer) {
    return IdTokenValidator.builder().issuer(issuer).clientId(Tokens.CLIENT_ID).keySource(source).build();
  }

  static String token(RsaJsonWebKey key) {
    return Tokens.token(key, ISSUER);
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
}
