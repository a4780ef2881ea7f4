package dev.idtoken.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.servlet.IdTokenFilter;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.validator.IdTokenValidator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

// README: testing-your-api (up to the comment after the second test)
class ApiServerTest {
  // One provider for the class, over HTTPS with a self-signed certificate made at start.
  private static final FakeProvider PROVIDER = FakeProvider.startHttps();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private RemoteKeySource keys;
  private ApiServer api;

  private URI startApi() throws Exception {
    keys = RemoteKeySource.builder()
        .discovery(PROVIDER.issuerUrl())
        .sslContext(PROVIDER.sslContext()) // trusts the provider's certificate: no insecure HTTP
        .maxWait(Duration.ofSeconds(15))   // a cold JVM's first TLS handshake can be slow
        .build();
    IdTokenFilter filter = IdTokenFilter.builder(IdTokenValidator.builder()
            .issuer(PROVIDER.issuerUrl())
            .clientId(FakeProvider.DEFAULT_CLIENT_ID)
            .keySource(keys)
            .build())
        .rolesClaim("roles")
        .build();
    api = ApiServer.start(filter, new InetSocketAddress("127.0.0.1", 0));
    return api.uri();
  }

  private static HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @AfterEach
  void stopApi() throws Exception {
    api.close();
    keys.close();
    PROVIDER.up();
  }

  @AfterAll
  static void stopProvider() {
    PROVIDER.close();
  }

  @Test
  void me_validToken_returnsUser() throws Exception {
    String token = PROVIDER.issuer().token().subject("patient-42").claim("roles", List.of("clinician")).sign();

    HttpResponse<String> response = get(startApi().resolve("/api/me"), "Authorization", "Bearer " + token);

    assertEquals(200, response.statusCode());
    assertEquals(PROVIDER.issuerUrl() + "|patient-42 (clinician)", response.body());
  }

  @Test
  void me_expiredToken_returns401WithReason() throws Exception {
    String token = PROVIDER.issuer().hostile(Hostile.EXPIRED);

    HttpResponse<String> response = get(startApi().resolve("/api/me"), "Authorization", "Bearer " + token);

    assertEquals(401, response.statusCode());
    assertEquals("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"",
        response.headers().firstValue("WWW-Authenticate").orElseThrow());
  }

  // Also here: no token is 401 with the bare challenge; provider down is 503 with Retry-After.

  @Test
  void me_noToken_returns401WithBareChallenge() throws Exception {
    HttpResponse<String> response = get(startApi().resolve("/api/me"));

    assertEquals(401, response.statusCode());
    assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElseThrow());
  }

  @Test
  void me_providerDownBeforeKeysLoaded_returns503WithRetryAfter() throws Exception {
    PROVIDER.down();
    String token = PROVIDER.issuer().token().sign();

    HttpResponse<String> response = get(startApi().resolve("/api/me"), "Authorization", "Bearer " + token);

    assertEquals(503, response.statusCode());
    assertTrue(response.headers().firstValue("Retry-After").orElseThrow().matches("[1-9][0-9]*"));
  }

  @Test
  void health_needsNoToken() throws Exception {
    assertEquals("ok", get(startApi().resolve("/health")).body());
  }
}
