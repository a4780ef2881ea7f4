package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Keeps the root README's remote-keys snippets compiling. They name real HTTPS hosts, so they are compiled but
 * only run against the fake provider (tests reach loopback only).
 */
class ReadmeExamplesTest extends SourceTestSupport {

  @SuppressWarnings("unused")
  private static KeySourceHealth singleProvider() throws Exception {
    RemoteKeySource keys = RemoteKeySource.builder()
        .discovery("https://login.example.com")          // or .jwksUri(URI.create("https://.../jwks"))
        .expectedAlgorithms(Set.of(JwsAlgorithm.RS256))  // warns if the provider signs with none of them
        .build();                                        // starts the first fetch in the background
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client")
        .keySource(keys)
        .build();

    keys.refresh().get(5, TimeUnit.SECONDS);             // optional: fail fast at start-up
    KeySourceHealth health = keys.health();              // status, kids, key age, last error
    return health;
  }

  @SuppressWarnings("unused")
  private static IssuerRegistry scaledRegistry() {
    IssuerRegistry registry = IssuerRegistry.builder()
        .fetchScheduler(FetchScheduler.builder().maxFetchesPerHost(8).build())  // default: 4 per host, 16 in all
        .keySourceDefaults(k -> k.idleAfter(Duration.ofMinutes(30)))            // default: 1 hour
        .build();
    return registry;
  }

  @SuppressWarnings("unused")
  private static MultiIssuerValidator registry() {
    IssuerRegistry registry = IssuerRegistry.builder()
        .keySourceDefaults(k -> k.maxStale(Duration.ofHours(6)))
        .build();
    registry.register("https://login.customer-a.example", "client-a");
    registry.register("https://idp.customer-b.example", "client-b",
        v -> v.allowedAlgorithms(JwsAlgorithm.ES256), k -> {});
    MultiIssuerValidator multi = MultiIssuerValidator.of(registry);
    registry.remove("https://idp.customer-b.example");
    return multi;
  }

  @Test
  void readmeSnippet_againstFakeProvider_validates() throws Exception {
    RemoteKeySource keys = track(testDefaults(RemoteKeySource.builder()
        .discovery(provider.issuerUrl())
        .expectedAlgorithms(Set.of(JwsAlgorithm.RS256)))
        .build());
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer(provider.issuerUrl())
        .clientId(CLIENT_ID)
        .keySource(keys)
        .build();
    assertEquals(KeySourceHealth.Status.FRESH, keys.refresh().get(5, TimeUnit.SECONDS).status());
    assertValid(validator.validate(token()));
  }
}
