package dev.idtoken.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ReplayGuard;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A login exchange on the JDK's HTTP server: the browser posts the ID token it obtained
 * ({@code POST /login}, form field {@code id_token}) and gets an HttpOnly session cookie; each token
 * opens at most one session, on every instance that shares the {@link ReplayGuard}'s store.
 *
 * <p>Answers: 204 with the cookie; 401 with the error code (a second use is
 * {@code TOKEN_REPLAYED}); 503 with {@code Retry-After} when the keys or the replay store cannot be
 * reached; 400, 405, 413 for a malformed request. {@code GET /me} shows the session's user. Sessions
 * live in memory: a real application keeps them where it keeps its sessions. Thread-safe; binds to
 * 127.0.0.1 only.
 */
public final class LoginExchange implements AutoCloseable {
  /** The session cookie: the {@code __Host-} prefix makes browsers require Secure, Path=/ and no Domain. */
  public static final String COOKIE = "__Host-session";
  private static final Duration SESSION_LIFETIME = Duration.ofHours(8);
  private static final int MAX_BODY_BYTES = 32 * 1024;

  private final IdTokenValidator validator;
  private final ReplayGuard guard;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, String> sessions = new ConcurrentHashMap<>(); // session id -> iss|sub
  private final SecureRandom random = new SecureRandom();

  private LoginExchange(IdTokenValidator validator, ReplayGuard guard) throws IOException {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/login", this::login);
    server.createContext("/me", this::me);
    server.setExecutor(executor);
  }

  /** Starts on 127.0.0.1 and a free port. */
  public static LoginExchange start(IdTokenValidator validator, ReplayGuard guard) throws IOException {
    LoginExchange exchange = new LoginExchange(validator, guard);
    exchange.server.start();
    return exchange;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void login(HttpExchange http) throws IOException {
    try (http) {
      if (!"POST".equals(http.getRequestMethod())) {
        http.getResponseHeaders().set("Allow", "POST");
        send(http, 405, "method_not_allowed");
        return;
      }
      byte[] body = readBounded(http.getRequestBody());
      if (body == null) {
        send(http, 413, "request_too_large");
        return;
      }
      String idToken = formField(new String(body, StandardCharsets.UTF_8), "id_token");
      if (idToken == null) {
        send(http, 400, "missing_id_token");
        return;
      }
      // One-time use here only: API endpoints that accept the token as a bearer must not consume it.
      ValidationResult result = validator.validate(idToken, Expectations.builder().oneTimeUse(guard).build());
      if (result instanceof ValidationResult.Valid valid) {
        VerifiedIdToken id = valid.token();
        String session = newSessionId();
        sessions.put(session, id.issuer() + "|" + id.subject()); // sub is unique only within its issuer
        http.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + session
            + "; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=" + SESSION_LIFETIME.toSeconds());
        http.getResponseHeaders().set("Cache-Control", "no-store");
        http.sendResponseHeaders(204, -1);
      } else if (result instanceof ValidationResult.Invalid invalid) {
        send(http, 401, invalid.code().name()); // the code, never the token or a claim
      } else if (result instanceof ValidationResult.Unavailable unavailable) {
        long seconds = unavailable.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
        http.getResponseHeaders().set("Retry-After", Long.toString(seconds));
        send(http, 503, unavailable.error().code().name());
      } else {
        send(http, 500, "INTERNAL_ERROR");
      }
    }
  }

  private void me(HttpExchange http) throws IOException {
    try (http) {
      String user = null;
      String cookies = http.getRequestHeaders().getFirst("Cookie");
      if (cookies != null) {
        for (String part : cookies.split(";")) {
          String[] pair = part.trim().split("=", 2);
          if (pair.length == 2 && pair[0].equals(COOKIE)) {
            user = sessions.get(pair[1]);
          }
        }
      }
      if (user == null) {
        send(http, 401, "no_session");
      } else {
        send(http, 200, user);
      }
    }
  }

  private String newSessionId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    return bytes.length > MAX_BODY_BYTES ? null : bytes;
  }

  private static String formField(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        try {
          String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          return value.isEmpty() ? null : value;
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static void send(HttpExchange http, int status, String text) throws IOException {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    http.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    http.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
