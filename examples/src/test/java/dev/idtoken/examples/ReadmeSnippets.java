package dev.idtoken.examples;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.redis.RedisReplayGuard;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.servlet.IdTokenFilter;
import dev.idtoken.servlet.IdTokenPrincipal;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.InMemoryReplayGuard;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.EnumSet;
import dev.idtoken.validator.LogoutTokenValidator;
import dev.idtoken.validator.LogoutValidationResult;
import dev.idtoken.validator.VerifiedLogoutToken;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The root README's Java snippets, compiled here so that they cannot rot ({@link ReadmeSnippetsTest}
 * checks that each README block appears in a compiled source). They name real HTTPS hosts, so they
 * are compiled but never run: tests reach loopback only.
 */
@SuppressWarnings("unused")
final class ReadmeSnippets {
  private ReadmeSnippets() {}

  interface Response {
    void setHeader(String name, String value);

    void setStatus(int status);
  }

  interface Sessions {
    void end(String issuer, Optional<String> subject, Optional<String> sessionId);
  }

  static void backChannelLogout(IdTokenValidator validator, String logoutToken, Sessions sessions,
      Response response) {
    LogoutTokenValidator logout = LogoutTokenValidator.of(validator);   // same provider, same keys
    // POST /backchannel-logout, form parameter logout_token:
    LogoutValidationResult result = logout.validate(logoutToken);
    if (result instanceof LogoutValidationResult.Valid valid) {
      VerifiedLogoutToken token = valid.token();
      sessions.end(token.issuer(), token.subject(), token.sessionId());   // sub and/or sid
      response.setStatus(200);
    } else if (((LogoutValidationResult.Refused) result).reason() instanceof ValidationResult.Invalid) {
      response.setStatus(400);                     // Back-Channel Logout 1.0 §2.8
    } else if (((LogoutValidationResult.Refused) result).reason() instanceof ValidationResult.Unavailable) {
      response.setStatus(503);                     // keys unavailable: the provider may retry
    } else {
      response.setStatus(500);                     // Failed: a defect, logged
    }
  }

  static void quickStart(String idToken, String nonceFromSession, Response response) {
    RemoteKeySource keys = RemoteKeySource.builder()
        .discovery("https://login.example.com")   // OpenID Connect Discovery, then the JWKS
        .build();
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client-id")
        .keySource(keys)
        .build();                                  // once, at start-up; thread-safe

    // On each request:
    ValidationResult result = validator.validate(idToken, Expectations.nonce(nonceFromSession));
    if (result instanceof ValidationResult.Valid valid) {
      VerifiedIdToken user = valid.token();
      String localUserKey = user.issuer() + "|" + user.subject();   // sub is unique per issuer
      Optional<String> fhirUser = user.stringClaim("fhirUser");     // SMART on FHIR
    } else if (result instanceof ValidationResult.Invalid invalid) {
      response.setHeader("WWW-Authenticate", invalid.wwwAuthenticate());
      response.setStatus(401);                     // the token is bad
    } else if (result instanceof ValidationResult.Unavailable unavailable) {
      unavailable.retryAfter().ifPresent(wait ->  // when the key source will try again
          response.setHeader("Retry-After", Long.toString(wait.toSeconds() + 1)));
      response.setStatus(503);                     // keys unavailable: not the token's fault
    } else {
      response.setStatus(500);                     // Failed: a defect on our side, never a 401
    }
  }

  static IdTokenFilter servletApi(IdTokenValidator validator, ServletContext servletContext) {
    IdTokenFilter filter = IdTokenFilter.builder(validator)   // the validator of the quick start
        .realm("patient-api")
        .rolesClaim("realm_access", "roles")                  // Keycloak; or "roles", "groups"
        .excludePaths("/health", "/public/*")
        .build();                                             // once; thread-safe

    // Jetty 12 (ee10):
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(filter), "/api/*", EnumSet.of(DispatcherType.REQUEST));
    // Tomcat, or any container, from a ServletContainerInitializer or ServletContextListener:
    servletContext.addFilter("idtoken", filter).addMappingForUrlPatterns(null, false, "/api/*");
    return filter;
  }

  static void servletApplication(HttpServletRequest request) {
    // In the application:
    IdTokenPrincipal user = (IdTokenPrincipal) request.getUserPrincipal();
    String localUserKey = user.token().issuer() + "|" + user.getName();   // getName() is sub by default
    boolean admin = request.isUserInRole("admin");
    VerifiedIdToken token = (VerifiedIdToken) request.getAttribute(IdTokenFilter.TOKEN_ATTRIBUTE);
  }

  static IdTokenFilter stateless(RemoteKeySource keys) {
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client-id")
        .keySource(keys)
        .maxTokenAge(Duration.ofMinutes(15))   // no nonce to check: bound the replay window instead
        .build();
    IdTokenFilter filter = IdTokenFilter.builder(validator).build();
    return filter;
  }

  static IdTokenFilter sessionNonce(IdTokenValidator validator) {
    IdTokenFilter filter = IdTokenFilter.builder(validator)
        .expectations(request -> {
          HttpSession session = request.getSession(false);
          Object nonce = session == null ? null : session.getAttribute("nonce");
          return nonce == null ? Expectations.none() : Expectations.nonce((String) nonce);
        })
        .build();
    return filter;
  }

  static IdTokenValidator cached(RemoteKeySource keys) {
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client")
        .keySource(keys)
        .cacheVerifiedTokens(10_000)   // opt-in; about 20 MB at 2 KB per entry
        .build();
    return validator;
  }

  static MultiIssuerValidator multiTenant() {
    IssuerRegistry registry = IssuerRegistry.builder().build();
    registry.register("https://login.customer-a.example", "client-a");   // at run time, any time
    registry.register("https://idp.customer-b.example/realms/main", "client-b");
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
    return validator;
  }

  static ValidationResult loginExchange(IdTokenValidator validator, String idToken, String nonce,
      char[] redisPassword) {
    // Several instances behind a load balancer share one store; a single instance may use
    // InMemoryReplayGuard.create() instead.
    RedisReplayGuard guard = RedisReplayGuard.builder()
        .host("redis.internal").port(6379)
        .tls().password(redisPassword)
        .keyPrefix("my-app:used-id-tokens:")
        .build();                                  // once, at start-up; thread-safe; close() at shutdown

    // On POST /login only: API endpoints that accept the token as a bearer must not consume it.
    ValidationResult result = validator.validate(idToken,
        Expectations.builder().nonce(nonce).oneTimeUse(guard).build());
    // Valid: open the session. Invalid(TOKEN_REPLAYED): 401. Unavailable(REPLAY_CHECK_UNAVAILABLE): 503.
    return result;
  }

  static InMemoryReplayGuard singleInstance() {
    return InMemoryReplayGuard.create();
  }
}
