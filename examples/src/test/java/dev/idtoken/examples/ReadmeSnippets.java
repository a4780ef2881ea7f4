package dev.idtoken.examples;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.util.Optional;

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
}
