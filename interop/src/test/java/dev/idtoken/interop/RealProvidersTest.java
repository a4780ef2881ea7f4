package dev.idtoken.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idtoken.jwks.KeySourceListener;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.ValidationResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real providers on 127.0.0.1: Keycloak, panva oidc-provider and navikt mock-oauth2-server, each
 * started once for the class (concurrently, Keycloak being the slow one) and stopped by PID at the
 * end. Tokens come from the authorization code flow with PKCE and a nonce, driven over HTTP through
 * each provider's login form, and are validated through discovery exactly as an application would.
 * A provider that does not start fails the class; nothing is skipped.
 */
class RealProvidersTest {
  private static final Duration KEYCLOAK_START = Duration.ofSeconds(
      Long.getLong("interop.keycloak.startSeconds", 900));
  private static final Duration NODE_START = Duration.ofSeconds(120);
  private static final Duration MOCK_START = Duration.ofSeconds(180);
  private static final EnumSet<JwsAlgorithm> ALGORITHMS =
      EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256, JwsAlgorithm.EDDSA);

  private static final Verdicts verdicts = new Verdicts();
  private static final List<AutoCloseable> toClose = new ArrayList<>();
  private static final Map<String, IdTokenValidator> validators = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  private static KeycloakProvider keycloak;
  private static OidcProviderNode oidcProvider;
  private static MockOAuth2Server mock;

  @BeforeAll
  static void startProviders() {
    CompletableFuture<KeycloakProvider> kc = CompletableFuture.supplyAsync(() -> {
      try {
        return KeycloakProvider.start(KEYCLOAK_START);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
    CompletableFuture<OidcProviderNode> op = CompletableFuture.supplyAsync(() -> OidcProviderNode.start(NODE_START));
    CompletableFuture<MockOAuth2Server> mo = CompletableFuture.supplyAsync(() -> {
      try {
        return MockOAuth2Server.start(MOCK_START);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
    // Wait for all three, but stop at the first failure: the others are stopped at once.
    CompletableFuture<Object> firstFailure = new CompletableFuture<>();
    for (CompletableFuture<?> start : List.of(kc, op, mo)) {
      start.whenComplete((started, error) -> {
        if (error != null) {
          firstFailure.completeExceptionally(error);
        }
      });
    }
    try {
      CompletableFuture.anyOf(CompletableFuture.allOf(kc, op, mo), firstFailure).join();
    } catch (CompletionException e) {
      ProviderProcess.closeAll();
      throw e;
    }
    keycloak = kc.join();
    oidcProvider = op.join();
    mock = mo.join();
    toClose.addAll(List.of(keycloak, oidcProvider, mock));
  }

  @AfterAll
  static void stopProviders() {
    for (AutoCloseable closeable : toClose) {
      try {
        closeable.close();
      } catch (Exception e) {
        System.err.println("could not close " + closeable + ": " + e);
      }
    }
    toClose.clear();
    ProviderProcess.closeAll();
    verdicts.print(Interop.workDir().resolve("verdicts.txt"));
  }

  static Stream<Arguments> clients() {
    List<Arguments> all = new ArrayList<>();
    for (RealProvider provider : List.of(keycloak, oidcProvider, mock)) {
      for (Browser.Client client : provider.clients()) {
        all.add(Arguments.of(provider.name(), client.id()));
      }
    }
    return all.stream();
  }

  private static RealProvider provider(String name) {
    return Stream.of(keycloak, oidcProvider, mock).filter(p -> p.name().equals(name)).findFirst()
        .orElseThrow();
  }

  private static Browser.Client client(RealProvider provider, String id) {
    return provider.clients().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  /** The validator an application would build: discovery, the provider's issuer, this client. */
  private static IdTokenValidator validator(RealProvider provider, String clientId) {
    return validator(provider, clientId, provider.name() + "/" + clientId);
  }

  /** As {@link #validator(RealProvider, String)}, with its own key source under {@code key}. */
  private static IdTokenValidator validator(RealProvider provider, String clientId, String key) {
    return validators.computeIfAbsent(key, k0 -> {
      AtomicInteger count = fetches.computeIfAbsent(key, k -> new AtomicInteger());
      RemoteKeySource keys = RemoteKeySource.builder()
          .discovery(provider.issuer())
          .allowInsecureLoopbackHttp()
          .expectedAlgorithms(ALGORITHMS)
          .listener(new KeySourceListener() {
            @Override
            public void fetched(URI source, boolean notModified, int keyCount, Duration timeToLive) {
              count.incrementAndGet();
            }
          })
          .build();
      synchronized (toClose) {
        toClose.add(0, keys);
      }
      return IdTokenValidator.builder()
          .issuer(provider.issuer())
          .clientId(clientId)
          .keySource(keys)
          .allowedAlgorithms(ALGORITHMS)
          .build();
    });
  }

  private static String verdict(ValidationResult result) {
    if (result instanceof ValidationResult.Valid valid) {
      return "valid";
    }
    if (result instanceof ValidationResult.Invalid invalid) {
      return "refused " + invalid.code();
    }
    return "unavailable";
  }

  private static String algorithm(String token) throws IOException {
    return header(token).path("alg").asText();
  }

  private static JsonNode header(String token) throws IOException {
    return Browser.JSON.readTree(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
  }

  private static JsonNode payload(String token) throws IOException {
    String[] parts = token.split("\\.");
    return Browser.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
  }

  /** The same token with its {@code sub} changed and the original signature. */
  private static String tamperedSubject(String token) throws IOException {
    String[] parts = token.split("\\.");
    ObjectNode claims = (ObjectNode) payload(token);
    claims.put("sub", "mallory");
    String payload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Browser.JSON.writeValueAsString(claims).getBytes(StandardCharsets.UTF_8));
    return parts[0] + "." + payload + "." + parts[2];
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("clients")
  void validate_authorizationCodeFlowWithPkceAndNonce_validAndTamperedRefused(String providerName,
      String clientId) throws IOException {
    RealProvider provider = provider(providerName);
    Browser.Tokens tokens = provider.login(client(provider, clientId));
    assertNotNull(tokens.idToken(), "no id_token from " + providerName);
    String alg = algorithm(tokens.idToken());
    boolean hasAtHash = payload(tokens.idToken()).has("at_hash");
    IdTokenValidator validator = validator(provider, clientId);
    String label = clientId + " " + alg;

    Expectations.Builder expected = Expectations.builder().nonce(tokens.nonce());
    if (hasAtHash) {
      expected.accessToken(tokens.accessToken());
    }
    ValidationResult result = validator.validate(tokens.idToken(), expected.build());
    verdicts.add(providerName, label + (hasAtHash ? " + at_hash" : " (no at_hash issued)"), "valid", verdict(result));
    assertInstanceOf(ValidationResult.Valid.class, result, () -> "not valid: " + result);
    assertEquals(alg, clientId.endsWith("rs256") ? "RS256" : clientId.endsWith("es256") ? "ES256" : "EdDSA");

    ValidationResult tampered = validator.validate(tamperedSubject(tokens.idToken()), expected.build());
    verdicts.add(providerName, label + " with sub changed", "refused", verdict(tampered));
    assertInvalid(ErrorCode.SIGNATURE_INVALID, tampered);

    ValidationResult wrongNonce = validator.validate(tokens.idToken(), Expectations.nonce(Browser.random()));
    verdicts.add(providerName, label + " other request's nonce", "refused", verdict(wrongNonce));
    assertInvalid(ErrorCode.NONCE_MISMATCH, wrongNonce);

    if (hasAtHash) {
      ValidationResult wrongAccessToken = validator.validate(tokens.idToken(),
          Expectations.builder().nonce(tokens.nonce()).accessToken(tokens.accessToken() + "x").build());
      verdicts.add(providerName, label + " other access token", "refused", verdict(wrongAccessToken));
      assertInvalid(ErrorCode.AT_HASH_MISMATCH, wrongAccessToken);
    }
  }

  @Test
  void validate_afterKeycloakRealmKeyRotation_newTokenValidatesAfterExactlyOneFetch() throws IOException {
    Browser.Client client = client(keycloak, "kc-rs256");
    IdTokenValidator validator = validator(keycloak, "kc-rs256", "Keycloak/rotation");
    Browser.Tokens before = keycloak.login(client);
    String kidBefore = header(before.idToken()).path("kid").asText();
    ValidationResult first = validator.validate(before.idToken(), Expectations.nonce(before.nonce()));
    assertInstanceOf(ValidationResult.Valid.class, first, () -> "not valid: " + first);
    int fetchesBefore = fetches.get("Keycloak/rotation").get();

    keycloak.rotateRsaKey();
    Browser.Tokens after = keycloak.login(client);
    String kidAfter = header(after.idToken()).path("kid").asText();
    assertNotEquals(kidBefore, kidAfter, "Keycloak did not sign with the new key");
    ValidationResult second = validator.validate(after.idToken(), Expectations.nonce(after.nonce()));
    verdicts.add("Keycloak", "kc-rs256 RS256 after realm key rotation", "valid", verdict(second));
    assertInstanceOf(ValidationResult.Valid.class, second, () -> "not valid after rotation: " + second);
    assertEquals(fetchesBefore + 1, fetches.get("Keycloak/rotation").get(),
        "exactly one JWKS fetch for the new key");
    assertInstanceOf(ValidationResult.Valid.class,
        validator.validate(before.idToken(), Expectations.nonce(before.nonce())),
        "a token signed with the old, still published key");
  }

  @Test
  void validate_tokenOfOneProviderByAnotherProvidersValidator_refused() throws IOException {
    List<RealProvider> providers = List.of(keycloak, oidcProvider, mock);
    for (RealProvider issuing : providers) {
      Browser.Client client = issuing.clients().get(0);
      Browser.Tokens tokens = issuing.login(client);
      for (RealProvider other : providers) {
        if (other == issuing) {
          continue;
        }
        Browser.Client otherClient = other.clients().get(0);
        // A validator of its own per pair: with a shared one, the second stranger's kid would arrive
        // within the unknown-kid cooldown the first one started, and be deferred (503), not refused.
        ValidationResult result = validator(other, otherClient.id(),
            other.name() + "/stranger/" + issuing.name()).validate(tokens.idToken());
        verdicts.add(other.name(), issuing.name() + "'s " + client.id() + " token", "refused", verdict(result));
        ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, result,
            () -> issuing.name() + "'s token not refused by " + other.name() + ": " + result);
        assertFalse(invalid.errors().isEmpty());
      }
    }
  }

  private static void assertInvalid(ErrorCode code, ValidationResult result) {
    ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, result,
        () -> "not invalid: " + result);
    assertTrue(invalid.has(code), () -> "expected " + code + " in " + invalid.errors());
  }
}
