package dev.idtoken.servlet;

import static dev.idtoken.servlet.Answered.assertAnonymous;
import static dev.idtoken.servlet.Answered.assertAuthenticatedAs;
import static dev.idtoken.servlet.Answered.assertInvalidRequest;
import static dev.idtoken.servlet.Answered.assertInvalidToken;
import static dev.idtoken.servlet.Answered.assertMissingToken;
import static dev.idtoken.servlet.Answered.assertProblem;
import static dev.idtoken.servlet.Answered.header;
import static dev.idtoken.servlet.Answered.refusals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.testlogs.CapturingLogs;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.TrustedIssuers;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpSession;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter in a real servlet container over real HTTP on 127.0.0.1, with keys from the test kit's
 * fake provider. Each subclass runs every case in one container (Jetty 12 ee10, Tomcat 11).
 */
abstract class AbstractIdTokenFilterTest {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /** Starts the container with the filter in front of the application on every path; returns its base URL. */
  abstract URI start(Filter filter, HttpServlet application) throws Exception;

  /** Stops the container started by {@link #start}. */
  abstract void stop() throws Exception;

  /** What the container answers a request whose headers exceed its limit (before any filter runs). */
  abstract int headersTooLargeStatus();

  FakeProvider provider;
  private RemoteKeySource keys;
  private URI base;
  // The key source's time: frozen unless a test moves it, so rate limits and backoffs are exact.
  private final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void startProvider() {
    provider = FakeProvider.start();
    CapturingLogs.clear();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (base != null) {
      stop();
    }
    if (keys != null) {
      keys.close();
    }
    provider.close();
  }

  private RemoteKeySource.Builder keySource(FakeProvider from) {
    return RemoteKeySource.builder()
        .discovery(from.issuerUrl())
        .ticker(nanos::get)
        .retryBackoff(Duration.ofSeconds(20), Duration.ofMinutes(1))
        .maxWait(Duration.ofSeconds(15)); // a cold JVM's first TLS handshake on a busy machine is slow
  }

  private IdTokenValidator validator(FakeProvider from, KeySource keySource) {
    return IdTokenValidator.builder()
        .issuer(from.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID)
        .keySource(keySource)
        .build();
  }

  /** The filter every test uses, with Keycloak-style roles and two excluded paths, plus {@code options}. */
  private void serve(Consumer<IdTokenFilter.Builder> options) throws Exception {
    keys = keySource(provider).allowInsecureLoopbackHttp().build();
    serve(validator(provider, keys), options);
  }

  private void serve(IdTokenValidator validator, Consumer<IdTokenFilter.Builder> options) throws Exception {
    IdTokenFilter.Builder filter = IdTokenFilter.builder(validator)
        .rolesClaim("realm_access", "roles")
        .excludePaths("/health", "/public/*");
    options.accept(filter);
    base = start(filter.build(), new EchoServlet());
  }

  private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private HttpResponse<String> getWithToken(String token) throws Exception {
    return get("/api/me", "Authorization", "Bearer " + token);
  }

  private String validToken(String subject) {
    return provider.issuer().token().subject(subject)
        .claim("realm_access", Map.of("roles", List.of("admin", "user")))
        .sign();
  }

  @Test
  void validToken_returns200WithPrincipalRolesAndAttribute() throws Exception {
    serve(f -> {});

    assertAuthenticatedAs("patient-42", getWithToken(validToken("patient-42")));
    assertEquals(List.of(), refusals());
  }

  @Test
  void schemeInAnyCase_isAccepted() throws Exception {
    serve(f -> {});
    String token = validToken("u1");

    assertAuthenticatedAs("u1", get("/api", "Authorization", "bearer " + token));
    assertAuthenticatedAs("u1", get("/api", "Authorization", "BEARER " + token));
    assertAuthenticatedAs("u1", get("/api", "Authorization", "Bearer   " + token)); // 1*SP
  }

  @Test
  void noToken_returns401WithBareChallenge() throws Exception {
    serve(f -> {});

    assertMissingToken(get("/api/me"), null);
    assertMissingToken(get("/api/me", "Authorization", "Basic dXNlcjpwdw=="), null); // another scheme
    assertEquals(List.of("Request refused: 401 MISSING_TOKEN", "Request refused: 401 MISSING_TOKEN"), refusals());
  }

  @Test
  void realm_isInEveryChallenge() throws Exception {
    serve(f -> f.realm("patient-api"));

    assertMissingToken(get("/api"), "patient-api");
    HttpResponse<String> expired = getWithToken(provider.issuer().hostile(Hostile.EXPIRED));
    assertEquals(Map.of("realm", "patient-api", "error", "invalid_token",
        "error_description", ErrorCode.EXPIRED.message()), Rfc6750.parse(header(expired, "WWW-Authenticate")));
    HttpResponse<String> malformed = get("/api", "Authorization", "Bearer");
    assertEquals("patient-api", Rfc6750.parse(header(malformed, "WWW-Authenticate")).get("realm"));
  }

  @Test
  void tokenInQueryStringOnly_isNeverRead() throws Exception {
    serve(f -> {});

    assertMissingToken(get("/api/me?access_token=" + validToken("u1")), null);
  }

  @Test
  void twoAuthorizationHeaders_returns400() throws Exception {
    serve(f -> {});
    String token = validToken("u1");

    assertInvalidRequest(get("/api", "Authorization", "Bearer " + token, "Authorization", "Bearer " + token));
    assertInvalidRequest(get("/api", "Authorization", "Basic dXNlcjpwdw==", "Authorization", "Bearer " + token));
    assertEquals(List.of("Request refused: 400 MULTIPLE_CREDENTIALS", "Request refused: 400 MULTIPLE_CREDENTIALS"),
        refusals());
  }

  @Test
  void malformedBearerCredential_returns400() throws Exception {
    serve(f -> {});
    String token = validToken("u1");

    for (String value : List.of("Bearer", "Bearer ", "Bearer " + token + " x", "Bearer " + token + ",Bearer x",
        "Bearer \"" + token + "\"", "Bearer\t" + token, "Bearer a=b", "Bearer ====")) {
      assertInvalidRequest(get("/api", "Authorization", value));
    }
    assertTrue(refusals().stream().allMatch("Request refused: 400 MALFORMED_CREDENTIAL"::equals), refusals()::toString);
  }

  @Test
  void everyHostileTokenThatFitsInAHeader_returns401InvalidToken() throws Exception {
    serve(f -> {});
    assertAuthenticatedAs("u1", getWithToken(validToken("u1"))); // keys loaded before time moves
    List<String> tokens = new ArrayList<>();
    for (Hostile kind : Hostile.values()) {
      if (kind == Hostile.OVERSIZED) {
        continue; // over every container's header limit: see hostileOversized_isRefusedByTheContainer
      }
      String token = provider.issuer().hostile(kind);
      tokens.add(token);
      // An unknown kid is 503 until a fetch allowed after it was first seen confirms it absent;
      // one cooldown later such a fetch may start at once, so each unknown kid is a 401 here.
      nanos.addAndGet(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.toNanos());
      HttpResponse<String> response = getWithToken(token);

      assertEquals(401, response.statusCode(), () -> kind + ": " + response.body());
      assertEquals("invalid_token", Rfc6750.error(header(response, "WWW-Authenticate")), kind::name);
      assertProblem(response, 401);
      assertFalse(response.body().contains(token.substring(token.indexOf('.') + 1)), kind::name);
    }
    List<String> refusals = refusals();
    assertEquals(Hostile.values().length - 1, refusals.size(), refusals::toString);
    assertTrue(refusals.stream().allMatch(l -> l.matches("Request refused: 401 [A-Z_]+")), refusals::toString);
    for (String line : CapturingLogs.lines()) {
      for (String token : tokens) {
        String[] parts = token.split("\\.", -1);
        for (String part : parts) {
          assertFalse(part.length() > 8 && line.contains(part), () -> "a token segment was logged: " + line);
        }
      }
    }
  }

  @Test
  void hostileOversized_isRefusedByTheContainer() throws Exception {
    serve(f -> {});

    HttpResponse<String> response = getWithToken(provider.issuer().hostile(Hostile.OVERSIZED));

    assertEquals(headersTooLargeStatus(), response.statusCode());
    assertEquals(List.of(), refusals()); // the filter never saw it
  }

  @Test
  void providerDownBeforeKeysLoad_returns503WithRetryAfter() throws Exception {
    provider.down();
    serve(f -> {});

    HttpResponse<String> response = getWithToken(validToken("u1"));

    assertEquals(503, response.statusCode(), response::body);
    // The key source's hint: its next fetch is one retry backoff away (its clock stands still here).
    assertEquals("20", header(response, "Retry-After"));
    assertNull(header(response, "WWW-Authenticate")); // not an authentication failure
    assertProblem(response, 503);
    assertEquals(List.of("Request refused: 503 KEYS_UNAVAILABLE"), refusals());
  }

  @Test
  void unavailableWithHint_retryAfterIsTheHintRoundedUp() throws Exception {
    serve(validator(provider, (kid, alg) -> {
      throw new KeySourceException("down", Duration.ofMillis(41_200));
    }), f -> {});

    HttpResponse<String> response = getWithToken(validToken("u1"));

    assertEquals(503, response.statusCode(), response::body);
    assertEquals("42", header(response, "Retry-After"));
  }

  @Test
  void unavailableWithoutHint_retryAfterIsTheDefault() throws Exception {
    serve(validator(provider, (kid, alg) -> {
      throw new KeySourceException("down");
    }), f -> {});

    HttpResponse<String> response = getWithToken(validToken("u1"));

    assertEquals(503, response.statusCode(), response::body);
    assertEquals(Long.toString(IdTokenFilter.DEFAULT_RETRY_AFTER.toSeconds()), header(response, "Retry-After"));
  }

  @Test
  void providerDownAfterKeysLoad_returns200FromCache() throws Exception {
    serve(f -> {});
    assertAuthenticatedAs("u1", getWithToken(validToken("u1")));

    provider.down();

    assertAuthenticatedAs("u2", getWithToken(validToken("u2")));
  }

  @Test
  void keyRotation_returns200() throws Exception {
    serve(f -> {});
    assertAuthenticatedAs("u1", getWithToken(validToken("u1")));
    int fetches = provider.jwksRequests();

    nanos.addAndGet(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.toNanos());
    provider.issuer().rotate();

    assertAuthenticatedAs("u2", getWithToken(validToken("u2")));
    assertEquals(fetches + 1, provider.jwksRequests());
  }

  @Test
  void corsPreflight_passesUnauthenticated_plainOptionsDoesNot() throws Exception {
    serve(f -> {});

    assertAnonymous(send("OPTIONS", "/api/me", "Origin", "https://app.example",
        "Access-Control-Request-Method", "GET"));
    assertMissingToken(send("OPTIONS", "/api/me"), null);
    assertMissingToken(send("OPTIONS", "/api/me", "Origin", "https://app.example"), null);
    assertMissingToken(send("OPTIONS", "/api/me", "Access-Control-Request-Method", "GET"), null);
    assertMissingToken(send("GET", "/api/me", "Origin", "https://app.example",
        "Access-Control-Request-Method", "GET"), null);
  }

  @Test
  void excludedPaths_passUnauthenticated_othersDoNot() throws Exception {
    serve(f -> {});

    assertAnonymous(get("/health"));
    assertAnonymous(get("/public"));
    assertAnonymous(get("/public/logo.svg"));
    assertMissingToken(get("/health/details"), null);
    assertMissingToken(get("/publicity"), null);
    assertMissingToken(get("/api/public"), null);
    // The container normalises the path before the filter matches it: no way round the filter.
    HttpResponse<String> traversal = get("/public/../api/me");
    assertTrue(traversal.statusCode() == 401 || traversal.statusCode() == 400, traversal::body);
  }

  @Test
  void optionalMode_noTokenPasses_badTokenStillRefused() throws Exception {
    serve(IdTokenFilter.Builder::allowRequestsWithoutToken);

    assertAnonymous(get("/api/me"));
    assertAnonymous(get("/api/me", "Authorization", "Basic dXNlcjpwdw=="));
    assertAuthenticatedAs("u1", getWithToken(validToken("u1")));
    assertInvalidToken(getWithToken(provider.issuer().hostile(Hostile.EXPIRED)), ErrorCode.EXPIRED);
    assertInvalidRequest(get("/api/me", "Authorization", "Bearer"));
  }

  @Test
  void cookieSource_tokenInCookie_returns200() throws Exception {
    serve(f -> f.tokenCookie("id_token"));
    String token = validToken("u1");

    assertAuthenticatedAs("u1", get("/api/me", "Cookie", "theme=dark; id_token=" + token));
    assertAuthenticatedAs("u1", get("/api/me", "Authorization", "Bearer " + token)); // the header still works
    assertMissingToken(get("/api/me", "Cookie", "id_token="), null); // emptied at sign-out
    assertInvalidToken(get("/api/me", "Cookie", "id_token=" + provider.issuer().hostile(Hostile.EXPIRED)),
        ErrorCode.EXPIRED);
    assertInvalidRequest(get("/api/me", "Cookie", "id_token=" + token, "Authorization", "Bearer " + token));
    assertInvalidRequest(get("/api/me", "Cookie", "id_token=" + token + "; id_token=" + token));
    assertInvalidRequest(get("/api/me", "Cookie", "id_token=a=b"));
  }

  @Test
  void noCookieConfigured_cookieIsIgnored() throws Exception {
    serve(f -> {});

    assertMissingToken(get("/api/me", "Cookie", "id_token=" + validToken("u1")), null);
  }

  @Test
  void httpsFakeProvider_returns200WithoutInsecureHttp() throws Exception {
    try (FakeProvider https = FakeProvider.startHttps()) {
      keys = keySource(https).sslContext(https.sslContext()).build();
      serve(validator(https, keys), f -> {});

      String token = https.issuer().token().subject("tls-user")
          .claim("realm_access", Map.of("roles", List.of("admin"))).sign();
      assertAuthenticatedAs("tls-user", getWithToken(token));
    }
  }

  @Test
  void multiIssuerValidator_acceptsEachTrustedIssuer() throws Exception {
    try (FakeProvider other = FakeProvider.start()) {
      keys = keySource(provider).allowInsecureLoopbackHttp().build();
      try (RemoteKeySource otherKeys = keySource(other).allowInsecureLoopbackHttp().build()) {
        MultiIssuerValidator multi = MultiIssuerValidator.of(
            TrustedIssuers.of(validator(provider, keys), validator(other, otherKeys)));
        base = start(IdTokenFilter.builder(multi).build(), new EchoServlet());

        assertEquals(200, getWithToken(provider.issuer().token().sign()).statusCode());
        assertEquals(200, getWithToken(other.issuer().token().sign()).statusCode());
        try (FakeProvider stranger = FakeProvider.start()) {
          assertInvalidToken(getWithToken(stranger.issuer().token().sign()), ErrorCode.UNTRUSTED_ISSUER);
        }
      }
    }
  }

  @Test
  void expectations_fromTheRequest_areChecked() throws Exception {
    serve(f -> f.expectations(request -> request.getHeader("X-Nonce") == null
        ? Expectations.none() : Expectations.nonce(request.getHeader("X-Nonce"))));
    String token = provider.issuer().token().subject("u1").nonce("n-0S6")
        .claim("realm_access", Map.of("roles", List.of("admin"))).sign();

    assertAuthenticatedAs("u1", get("/api", "Authorization", "Bearer " + token, "X-Nonce", "n-0S6"));
    assertInvalidToken(get("/api", "Authorization", "Bearer " + token, "X-Nonce", "other"), ErrorCode.NONCE_MISMATCH);
  }

  @Test
  void expectations_nonceKeptInTheSession_isChecked() throws Exception {
    serve(f -> f.excludePaths("/login").expectations(request -> {
      HttpSession session = request.getSession(false);
      Object nonce = session == null ? null : session.getAttribute("nonce");
      return nonce == null ? Expectations.none() : Expectations.nonce((String) nonce);
    }));
    HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .cookieHandler(new CookieManager()).build();
    HttpResponse<String> login = browser.send(HttpRequest.newBuilder(base.resolve("/login?nonce=n-0S6")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(204, login.statusCode());
    String withNonce = provider.issuer().token().subject("u1").nonce("n-0S6")
        .claim("realm_access", Map.of("roles", List.of("admin"))).sign();
    String otherNonce = provider.issuer().token().subject("u1").nonce("replayed").sign();

    HttpResponse<String> good = browser.send(HttpRequest.newBuilder(base.resolve("/api"))
        .header("Authorization", "Bearer " + withNonce).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> bad = browser.send(HttpRequest.newBuilder(base.resolve("/api"))
        .header("Authorization", "Bearer " + otherNonce).build(), HttpResponse.BodyHandlers.ofString());

    assertAuthenticatedAs("u1", good);
    assertInvalidToken(bad, ErrorCode.NONCE_MISMATCH);
  }

  @Test
  void expectationsFunctionThrows_returns500NotUnauthorized() throws Exception {
    serve(f -> f.expectations(request -> {
      throw new IllegalStateException("no session");
    }));

    HttpResponse<String> response = getWithToken(validToken("u1"));

    assertEquals(500, response.statusCode());
    assertNull(header(response, "WWW-Authenticate"));
    assertProblem(response, 500);
    assertEquals(List.of("Request refused: 500 INTERNAL_ERROR"), refusals());
  }

  @Test
  void defectiveKeySource_returns500NotUnauthorized() throws Exception {
    serve(validator(provider, (kid, alg) -> {
      throw new IllegalStateException("defective key source");
    }), f -> {});

    HttpResponse<String> response = getWithToken(validToken("u1"));

    assertEquals(500, response.statusCode(), response::body);
    assertNull(header(response, "WWW-Authenticate"));
    assertProblem(response, 500);
    assertFalse(response.body().contains("defective"), response::body);
    assertEquals(List.of("Request refused: 500 INTERNAL_ERROR"), refusals());
  }

  @Test
  void mappingFunctionsThrowOrReturnNull_return500() throws Exception {
    serve(f -> f.principalName(token -> token.stringClaim("email").orElse(null)).roles(token -> {
      if (token.subject().equals("broken-roles")) {
        throw new IllegalStateException("no roles for this one");
      }
      return List.of("admin");
    }));

    assertEquals(500, getWithToken(validToken("no-email")).statusCode());
    String brokenRoles = provider.issuer().token().subject("broken-roles").claim("email", "a@example.com").sign();
    assertEquals(500, getWithToken(brokenRoles).statusCode());
    List<String> warnings = CapturingLogs.lines().stream().filter(l -> l.startsWith("WARN")).collect(Collectors.toList());
    assertEquals(2, warnings.size(), warnings::toString);
    assertTrue(warnings.get(0).endsWith("the principalName function returned null"), warnings::toString);
    assertTrue(warnings.get(1).endsWith("the roles function threw java.lang.IllegalStateException"), warnings::toString);
    assertFalse(warnings.toString().contains("no roles for this one")); // the application's message may quote a claim
  }

  @Test
  void principalName_andTopLevelRoles_areConfigurable() throws Exception {
    serve(f -> f.principalName(token -> token.email().orElseThrow()).rolesClaim("groups"));
    String token = provider.issuer().token().subject("u1").claim("email", "jane@example.com")
        .claim("groups", List.of("auditor")).sign();

    HttpResponse<String> response = getWithToken(token);

    assertEquals("user=jane@example.com;remoteUser=jane@example.com;authType=Bearer;admin=false;auditor=true"
        + ";anyone=true;principal=u1;attribute=u1", response.body());
  }

  @Test
  void concurrentMixedRequests_everyStatusCountedExactly() throws Exception {
    serve(f -> {});
    int perThread = 200;
    String expired = provider.issuer().hostile(Hostile.EXPIRED);
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    AtomicInteger wrongUser = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String subject : List.of("alice", "bob")) {
        String valid = validToken(subject);
        done.add(threads.submit(() -> {
          ready.countDown();
          go.await();
          for (int i = 0; i < perThread; i++) {
            HttpResponse<String> response;
            switch (i % 5) {
              case 0 -> response = getWithToken(valid);
              case 1 -> response = getWithToken(expired);
              case 2 -> response = get("/api");
              case 3 -> response = get("/api", "Authorization", "Bearer " + valid + " extra");
              default -> response = get("/api", "Authorization", "Bearer " + valid, "Authorization", "Bearer x");
            }
            statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            if (response.statusCode() == 200 && !response.body().startsWith("user=" + subject + ";")) {
              wrongUser.incrementAndGet();
            }
          }
          return null;
        }));
      }
      assertTrue(ready.await(10, TimeUnit.SECONDS));
      go.countDown();
      for (Future<?> future : done) {
        future.get(2, TimeUnit.MINUTES);
      }
    } finally {
      threads.shutdownNow();
    }

    int total = 2 * perThread;
    Map<Integer, Integer> counts = statuses.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    assertEquals(Map.of(200, total / 5, 401, 2 * total / 5, 400, 2 * total / 5), counts);
    assertEquals(0, wrongUser.get());
    List<String> refusals = refusals();
    assertEquals(total / 5, refusals.stream().filter("Request refused: 401 EXPIRED"::equals).count());
    assertEquals(total / 5, refusals.stream().filter("Request refused: 401 MISSING_TOKEN"::equals).count());
    assertEquals(total / 5, refusals.stream().filter("Request refused: 400 MALFORMED_CREDENTIAL"::equals).count());
    assertEquals(total / 5, refusals.stream().filter("Request refused: 400 MULTIPLE_CREDENTIALS"::equals).count());
    assertEquals(4 * total / 5, refusals.size());
    assertEquals(1, provider.discoveryRequests());
    assertEquals(1, provider.jwksRequests());
  }
}
