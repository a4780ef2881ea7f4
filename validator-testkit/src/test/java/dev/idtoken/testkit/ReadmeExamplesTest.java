package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idtoken.testkit.junit.FakeProviderExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keeps the snippets of README.md compiling. */
@ExtendWith(FakeProviderExtension.class)
class ReadmeExamplesTest {

  @Test
  void readme_fakeProvider() {
    try (FakeProvider provider = FakeProvider.start()) {
      String token = provider.issuer().token().nonce("n-0S6").sign();
      String expired = provider.issuer().hostile(Hostile.EXPIRED);

      provider.issuer().rotate();
      provider.failJwks(2, 500).jwksCacheControl("max-age=300");
      int fetches = provider.jwksRequests();

      assertEquals("n-0S6", Jwts.payload(token).get("nonce"));
      assertEquals(0, fetches);
      assertEquals(provider.issuerUrl(), Jwts.payload(expired).get("iss"));
    }
  }

  @Test
  void validate_expired_isRejected(FakeProvider provider) {
    assertEquals(FakeProvider.DEFAULT_CLIENT_ID, provider.issuer().clientId());
  }
}
