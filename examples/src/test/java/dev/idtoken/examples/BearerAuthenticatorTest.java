package dev.idtoken.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.junit.FakeProviderExtension;
import dev.idtoken.validator.IdTokenValidator;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// README: testing-your-api
@ExtendWith(FakeProviderExtension.class) // starts a fake provider per test, stops it after
class BearerAuthenticatorTest {
  private RemoteKeySource keys;

  private BearerAuthenticator authenticatorFor(FakeProvider provider) {
    keys = RemoteKeySource.builder()
        .discovery(provider.issuerUrl())
        .allowInsecureLoopbackHttp() // the fake provider is plain HTTP on 127.0.0.1
        .build();
    return new BearerAuthenticator(IdTokenValidator.builder()
        .issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID)
        .keySource(keys)
        .build());
  }

  @AfterEach
  void closeKeys() {
    keys.close();
  }

  @Test
  void authenticate_validToken_returnsUser(FakeProvider provider) {
    String token = provider.issuer().token().subject("patient-42").sign();

    BearerAuthenticator.Outcome outcome = authenticatorFor(provider).authenticate("Bearer " + token);

    assertEquals(200, outcome.status());
    assertEquals(Optional.of(provider.issuerUrl() + "|patient-42"), outcome.user());
  }

  @Test
  void authenticate_expiredToken_returns401WithReason(FakeProvider provider) {
    String token = provider.issuer().hostile(Hostile.EXPIRED);

    BearerAuthenticator.Outcome outcome = authenticatorFor(provider).authenticate("Bearer " + token);

    assertEquals(401, outcome.status());
    assertEquals(Optional.of("Bearer error=\"invalid_token\", error_description=\"The token has expired.\""),
        outcome.wwwAuthenticate());
  }

  @Test
  void authenticate_providerDownBeforeKeysLoaded_returns503(FakeProvider provider) {
    provider.down();
    String token = provider.issuer().token().sign();

    assertEquals(503, authenticatorFor(provider).authenticate("Bearer " + token).status());
  }

  @Test
  void authenticate_noBearerToken_returns401(FakeProvider provider) {
    BearerAuthenticator authenticator = authenticatorFor(provider);
    assertEquals(401, authenticator.authenticate(null).status());
    assertEquals(401, authenticator.authenticate("Basic dXNlcjpwdw==").status());
  }
}
// README: end
