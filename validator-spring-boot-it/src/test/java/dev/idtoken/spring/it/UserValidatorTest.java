package dev.idtoken.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.spring.IdTokenJwtDecoder;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySetException;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.KeySourceException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;

/**
 * An application that declares its own validator (with a key source it controls) and its own
 * security filter chain, and sets no idtoken.* property: the starter builds no key source or
 * validator, but still makes that validator the JwtDecoder and still answers outages 503 and
 * internal failures 500.
 */
@SpringBootTest(classes = UserValidatorTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class UserValidatorTest {
  static final TestIssuer ISSUER = TestIssuer.create("https://issuer.example", "user-client");
  static final AtomicReference<Mode> MODE = new AtomicReference<>(Mode.SERVING);

  enum Mode { SERVING, OUTAGE, DEFECT }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(MeController.class)
  static class App {
    @Bean
    IdTokenValidator idTokenValidator() throws KeySetException {
      KeySet published = KeySet.parse(ISSUER.jwksJson());
      KeySource keys = (kid, algorithm) -> switch (MODE.get()) {
        case SERVING -> published.keys(kid, algorithm);
        case OUTAGE -> throw new KeySourceException("provider down", Duration.ofSeconds(7));
        case DEFECT -> throw new IllegalStateException("a defective key source");
      };
      return IdTokenValidator.builder()
          .issuer("https://issuer.example")
          .clientId("user-client")
          .keySource(keys)
          .build();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(requests -> requests
              .requestMatchers("/public/**").permitAll()
              .anyRequest().authenticated())
          .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()));
      return http.build();
    }
  }

  @Value("${local.server.port}")
  int port;

  @Autowired
  ApplicationContext context;

  @AfterEach
  void serveAgain() {
    MODE.set(Mode.SERVING);
  }

  @Test
  void context_userValidator_isTheDecodersAndNoKeySourceIsBuilt() {
    assertInstanceOf(IdTokenJwtDecoder.class, context.getBean(JwtDecoder.class));
    assertEquals(1, context.getBeansOfType(IdTokenValidator.class).size());
    assertTrue(context.getBeansOfType(RemoteKeySource.class).isEmpty());
  }

  @Test
  void get_userChainAndValidator_validTokenReturns200AndPublicPathNeedsNone() {
    HttpResponse<String> response = Http.get(port, "/me", ISSUER.token().subject("u-1").sign());

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("name=u-1\n"), response.body());
    assertEquals(200, Http.get(port, "/public/ping", null).statusCode());
  }

  @Test
  void get_keySourceOutage_returns503WithItsRetryAfter() {
    MODE.set(Mode.OUTAGE);

    HttpResponse<String> response = Http.get(port, "/me", ISSUER.token().sign());

    assertEquals(503, response.statusCode(), response.body());
    assertEquals("7", Http.header(response, "Retry-After"));
  }

  @Test
  void get_defectiveKeySource_returns500Never401() {
    MODE.set(Mode.DEFECT);

    HttpResponse<String> response = Http.get(port, "/me", ISSUER.token().sign());

    assertEquals(500, response.statusCode(), response.body());
    String challenge = Http.header(response, "WWW-Authenticate");
    assertFalse(challenge != null && challenge.contains("invalid_token"), challenge);
  }
}
