package dev.idtoken.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.InMemoryReplayGuard;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ReplayGuard;
import dev.idtoken.validator.ReplayGuardException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The login exchange over real HTTP on loopback. */
class LoginExchangeTest {
  private final TestIssuer issuer = TestIssuer.create("https://login.example.com", "web-app");
  private final HttpClient http = HttpClient.newHttpClient();

  private IdTokenValidator validator() throws Exception {
    return IdTokenValidator.builder().issuer(issuer.issuer()).clientId(issuer.clientId())
        .keySource(KeySet.parse(issuer.jwksJson())).build();
  }

  private HttpResponse<String> post(LoginExchange server, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String idToken(String token) {
    return "id_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  @Test
  void login_firstUse_setsHttpOnlySessionCookie_secondUse_401TokenReplayed() throws Exception {
    try (LoginExchange server = LoginExchange.start(validator(), InMemoryReplayGuard.create())) {
      String token = issuer.token().subject("jane").sign();

      HttpResponse<String> first = post(server, idToken(token));
      HttpResponse<String> second = post(server, idToken(token));

      assertEquals(204, first.statusCode());
      String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.startsWith(LoginExchange.COOKIE + "="), cookie);
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"), cookie);
      HttpResponse<String> me = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/me"))
          .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, me.statusCode());
      assertEquals(issuer.issuer() + "|jane", me.body().trim());

      assertEquals(401, second.statusCode());
      assertEquals("TOKEN_REPLAYED", second.body().trim());
      assertTrue(second.headers().firstValue("Set-Cookie").isEmpty());
    }
  }

  @Test
  void login_storeDown_503WithRetryAfter_noCookie() throws Exception {
    ReplayGuard down = (key, keepUntil) -> {
      throw new ReplayGuardException("down");
    };
    try (LoginExchange server = LoginExchange.start(validator(), down)) {
      HttpResponse<String> response = post(server, idToken(issuer.token().sign()));

      assertEquals(503, response.statusCode());
      assertEquals("REPLAY_CHECK_UNAVAILABLE", response.body().trim());
      assertTrue(response.headers().firstValue("Retry-After").isPresent());
      assertTrue(response.headers().firstValue("Set-Cookie").isEmpty());
    }
  }

  @Test
  void login_badRequests_answeredWithTheirStatus() throws Exception {
    try (LoginExchange server = LoginExchange.start(validator(), InMemoryReplayGuard.create())) {
      assertEquals(400, post(server, "other=1").statusCode());
      assertEquals(413, post(server, "id_token=" + "a".repeat(40_000)).statusCode());
      assertEquals("MALFORMED_TOKEN", post(server, "id_token=not-a-jwt").body().trim());
      assertEquals(405, http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/login")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(401, http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/me")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }
}
