package dev.idtoken.examples;

import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.InMemoryReplayGuard;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The library's main job end to end, on an embedded default: the test kit's fake OpenID provider on
 * loopback, a validator built from its discovery URL, a good token accepted, each hostile token
 * refused with its typed reason, a flood of unknown key ids absorbed, a key rotation picked up with
 * one fetch, a one-time login exchange refusing the second use of a token, and an outage survived
 * from cache until the stale bound. The key source runs on a
 * simulated clock so the demo takes a second, not a day.
 *
 * <p>Run with {@code ./mvnw -q -Pdemo -DskipTests verify}.
 */
public final class Demo {
  private static final String CLIENT_ID = "demo-spa";
  private static final Set<Hostile> UNKNOWN_KID_KINDS =
      EnumSet.of(Hostile.EMBEDDED_JWK, Hostile.JKU_HEADER, Hostile.UNKNOWN_KID);

  private final PrintStream out;
  private final AtomicLong nanos = new AtomicLong();
  private boolean ok = true;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo on standard output; exits with 1 if any outcome was not the expected one. */
  public static void main(String[] args) throws Exception {
    if (!run(System.out)) {
      System.exit(1);
    }
  }

  /** Runs the demo; returns whether every outcome was the expected one. */
  public static boolean run(PrintStream out) {
    return new Demo(out).run();
  }

  private boolean run() {
    try (FakeProvider provider = FakeProvider.start(CLIENT_ID)) {
      provider.issuer().addKey(TestKey.ec("P-256")); // an EC key too: the validator allows ES256
      run(provider);
    }
    out.println();
    out.println(ok ? "Demo finished: every outcome was the expected one." : "Demo finished WITH UNEXPECTED OUTCOMES.");
    return ok;
  }

  private void run(FakeProvider provider) {
    try (RemoteKeySource keys = RemoteKeySource.builder()
            .discovery(provider.issuerUrl())
            .allowInsecureLoopbackHttp() // the fake provider speaks plain HTTP on 127.0.0.1
            .ticker(nanos::get)          // simulated time for the cache, so the demo needs no waiting
            .build()) {
      IdTokenValidator validator = IdTokenValidator.builder()
          .issuer(provider.issuerUrl())
          .clientId(CLIENT_ID)
          .allowedAlgorithms(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256))
          .keySource(keys)
          .build();
      out.println("Fake OpenID provider: " + provider.issuerUrl() + "   client: " + CLIENT_ID);

      section("1. A good ID token");
      String good = provider.issuer().token().claim("email", "jane@example.com").claim("email_verified", true)
          .claim("fhirUser", "Practitioner/8812").sign();
      if (validator.validate(good) instanceof ValidationResult.Valid valid) {
        VerifiedIdToken id = valid.token();
        row("issuer", id.issuer());
        row("subject", id.subject());
        row("audiences", String.valueOf(id.audiences()));
        row("expires", String.valueOf(id.expiresAt()));
        row("email (verified)", id.email().orElse("-") + " (" + id.emailVerified() + ")");
        row("fhirUser", id.stringClaim("fhirUser").orElse("-"));
      } else {
        fail("the good token was not accepted");
      }
      row("requests so far", "discovery " + provider.discoveryRequests() + ", JWKS " + provider.jwksRequests());

      section("2. Hostile tokens: each refused with its typed reason");
      out.printf("   %-28s | %-6s | %s%n", "hostile token", "status", "reasons");
      out.printf("   %s-+-%s-+-%s%n", "-".repeat(28), "-".repeat(6), "-".repeat(44));
      for (Hostile kind : Hostile.values()) {
        if (UNKNOWN_KID_KINDS.contains(kind)) {
          // An unknown kid is 503 until a fetch allowed after it was first seen confirms it absent:
          // one cooldown apart, each gets such a fetch at once and is refused as invalid.
          advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN);
        }
        ValidationResult result = validator.validate(provider.issuer().hostile(kind));
        out.printf("   %-28s | %-6s | %s%n", kind, status(result), reasons(result));
        expect(result instanceof ValidationResult.Invalid, kind + " was not refused as invalid");
      }

      section("3. A flood of 1,000 tokens with random unknown key ids");
      int before = provider.jwksRequests();
      int invalid = 0;
      int notYetConfirmed = 0;
      for (int i = 0; i < 1_000; i++) {
        String token = provider.issuer().token().kid(UUID.randomUUID().toString()).sign();
        ValidationResult result = validator.validate(token);
        invalid += result instanceof ValidationResult.Invalid ? 1 : 0;
        notYetConfirmed += result instanceof ValidationResult.Unavailable ? 1 : 0;
      }
      // Within one cooldown only one fetch may confirm a kid absent; the others wait their turn (503).
      row("refused", (invalid + notYetConfirmed) + " of 1,000 (" + invalid + " KEY_NOT_FOUND 401, "
          + notYetConfirmed + " not yet confirmed absent 503)");
      row("JWKS fetches caused", String.valueOf(provider.jwksRequests() - before));
      expect(invalid + notYetConfirmed == 1_000 && provider.jwksRequests() - before <= 1, "the flood was not absorbed");

      section("4. The provider rotates its signing key");
      advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN); // the flood used this cooldown's refresh
      TestKey next = provider.issuer().rotate();
      before = provider.jwksRequests();
      ValidationResult rotated = validator.validate(provider.issuer().token().sign());
      row("new key id", next.kid());
      row("token signed with it", status(rotated) + " after " + (provider.jwksRequests() - before) + " JWKS fetch");
      expect(rotated.isValid() && provider.jwksRequests() - before == 1, "the rotation was not picked up");

      section("5. A one-time login exchange: POST /login with the ID token, then again");
      loginTwice(validator, provider.issuer().token().subject("jane").sign());

      section("6. The provider goes down");
      provider.down();
      String known = provider.issuer().token().sign();
      advance(RemoteKeySource.DEFAULT_MAX_CACHE_TTL.plusMinutes(1)); // keys now past their time to live
      ValidationResult stale = validator.validate(known);
      KeySourceHealth health = keys.health();
      row("token with a known key", status(stale) + ", served from cache (keys " + health.status() + ")");
      expect(stale.isValid(), "cached keys were not served during the outage");
      advance(RemoteKeySource.DEFAULT_MAX_STALE); // past the stale bound
      ValidationResult unavailable = validator.validate(known);
      row("after the stale bound", status(unavailable) + " " + reasons(unavailable) + " (keys " + keys.health().status() + ")");
      expect(unavailable instanceof ValidationResult.Unavailable, "the stale bound was not enforced");
    }
  }

  private void loginTwice(IdTokenValidator validator, String idToken) {
    HttpClient http = HttpClient.newHttpClient();
    try (LoginExchange login = LoginExchange.start(validator, InMemoryReplayGuard.create())) {
      HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + login.port() + "/login"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("id_token=" + idToken)).build();
      HttpResponse<String> first = http.send(post, HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> second = http.send(post, HttpResponse.BodyHandlers.ofString());
      String cookie = first.headers().firstValue("Set-Cookie").orElse("(none)");
      row("first POST /login", first.statusCode() + ", Set-Cookie: " + cookie.replaceFirst("=[^;]*", "=..."));
      row("second POST /login", second.statusCode() + " " + second.body().trim());
      expect(first.statusCode() == 204 && second.statusCode() == 401
          && second.body().contains("TOKEN_REPLAYED"), "the token was not accepted exactly once");
    } catch (IOException e) {
      fail("the login exchange failed: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  private static String status(ValidationResult result) {
    if (result.isValid()) {
      return "200";
    }
    if (result instanceof ValidationResult.Failed) {
      return "500";
    }
    return result instanceof ValidationResult.Invalid ? "401" : "503";
  }

  private static String reasons(ValidationResult result) {
    if (result instanceof ValidationResult.Invalid invalid) {
      return invalid.errors().toString();
    }
    if (result instanceof ValidationResult.Unavailable unavailable) {
      return "[" + unavailable.error() + "]";
    }
    return "";
  }

  private void section(String title) {
    out.println();
    out.println(title);
  }

  private void row(String label, String value) {
    out.printf("   %-24s %s%n", label, value);
  }

  private void expect(boolean condition, String problem) {
    if (!condition) {
      fail(problem);
    }
  }

  private void fail(String problem) {
    ok = false;
    out.println("   UNEXPECTED: " + problem);
  }
}
