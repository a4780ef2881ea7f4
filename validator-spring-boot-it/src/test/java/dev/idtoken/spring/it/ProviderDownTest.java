package dev.idtoken.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.spring.RemoteKeySourceCustomizer;
import dev.idtoken.testkit.FakeProvider;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The provider is down before the keys ever load: 503 with Retry-After, not 401 or 500; then it recovers. */
@SpringBootTest(classes = ProviderDownTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ProviderDownTest {
  static final String CLIENT_ID = "spring-down-client";
  static final FakeProvider PROVIDER = FakeProvider.start(CLIENT_ID).down();

  @DynamicPropertySource
  static void idtoken(DynamicPropertyRegistry registry) {
    registry.add("idtoken.issuer", PROVIDER::issuerUrl);
    registry.add("idtoken.client-id", () -> CLIENT_ID);
  }

  @AfterAll
  static void stopProvider() {
    PROVIDER.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(MeController.class)
  static class App {
    @Bean
    RemoteKeySourceCustomizer loopbackForTests() {
      return keys -> keys.allowInsecureLoopbackHttp();
    }
  }

  @Value("${local.server.port}")
  int port;

  @Autowired
  RemoteKeySource keys;

  @Test
  void get_providerDownBeforeKeysLoad_returns503WithRetryAfterThenRecovers() throws Exception {
    String token = PROVIDER.issuer().token().sign();

    HttpResponse<String> down = Http.get(port, "/me", token);

    assertEquals(503, down.statusCode(), down.body());
    String retryAfter = Http.header(down, "Retry-After");
    assertNotNull(retryAfter);
    assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);
    assertNull(Http.header(down, "WWW-Authenticate"), "an outage is not the token's fault");

    PROVIDER.up();
    KeySourceHealth health = keys.refresh().get(10, TimeUnit.SECONDS);
    assertTrue(health.isServing(), health.toString());

    assertEquals(200, Http.get(port, "/me", token).statusCode());
  }
}
