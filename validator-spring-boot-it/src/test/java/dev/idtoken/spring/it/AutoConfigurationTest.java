package dev.idtoken.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.spring.IdTokenAutoConfiguration;
import dev.idtoken.spring.IdTokenHealthAutoConfiguration;
import dev.idtoken.spring.IdTokenJwtDecoder;
import dev.idtoken.spring.IdTokenProperties;
import dev.idtoken.spring.IdTokenPropertyException;
import dev.idtoken.spring.IdTokenResourceServerAutoConfiguration;
import dev.idtoken.spring.InvalidIdTokenException;
import dev.idtoken.spring.RemoteKeySourceCustomizer;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * The auto-configuration without a web server (fast): property binding, several issuers, start-up
 * failures naming the property, and backing off for the application's own beans. Every key source
 * points at a fake provider on 127.0.0.1.
 */
class AutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(IdTokenAutoConfiguration.class,
          IdTokenResourceServerAutoConfiguration.class, IdTokenHealthAutoConfiguration.class))
      .withBean(RemoteKeySourceCustomizer.class, () -> keys -> keys.allowInsecureLoopbackHttp());

  @Test
  void properties_everyOption_boundAndApplied() {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      runner.withPropertyValues(
              "idtoken.issuer=" + provider.issuerUrl(),
              "idtoken.client-id=c-1",
              "idtoken.algorithms=RS256,ES256",
              "idtoken.clock-skew=30s",
              "idtoken.max-token-age=1h",
              "idtoken.trusted-audiences=api,reports",
              "idtoken.jwks-uri=" + provider.jwksUri(),
              "idtoken.authorities.claim=realm_access.roles",
              "idtoken.authorities.prefix=GROUP_")
          .run(context -> {
            assertNull(context.getStartupFailure());
            IdTokenProperties p = context.getBean(IdTokenProperties.class);
            assertEquals(provider.issuerUrl(), p.issuer());
            assertEquals("c-1", p.clientId());
            assertEquals(List.of("RS256", "ES256"), p.algorithms());
            assertEquals(Duration.ofSeconds(30), p.clockSkew());
            assertEquals(Duration.ofHours(1), p.maxTokenAge());
            assertEquals(List.of("api", "reports"), p.trustedAudiences());
            assertEquals(provider.jwksUri(), p.jwksUri());
            assertEquals("realm_access.roles", p.authorities().claim());
            assertEquals("GROUP_", p.authorities().prefix());
            assertEquals(Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256),
                context.getBean(IdTokenValidator.class).allowedAlgorithms());

            JwtDecoder decoder = context.getBean(JwtDecoder.class);
            TestIssuer issuer = provider.issuer();
            Instant now = Instant.now();
            // Trusted audiences: another trusted audience beside the client id is accepted.
            Jwt jwt = decoder.decode(issuer.token().audience("c-1", "api").authorizedParty("c-1")
                .claim("realm_access", Map.of("roles", List.of("doctor"))).sign());
            assertEquals(Set.of("GROUP_doctor"), authorities(context.getBean(JwtAuthenticationConverter.class), jwt));
            // Clock skew 30 s: expired 45 s ago is refused (the default 60 s would accept it).
            assertCode(ErrorCode.EXPIRED, decoder, issuer.token().issuedAt(now.minusSeconds(200))
                .expiresAt(now.minusSeconds(45)).sign());
            // Maximum token age 1 h.
            assertCode(ErrorCode.TOKEN_TOO_OLD, decoder, issuer.token().issuedAt(now.minus(Duration.ofHours(2)))
                .expiresAt(now.plusSeconds(300)).sign());
            // jwks-uri: the keys came from there, discovery was never asked.
            assertEquals(0, provider.discoveryRequests());
          });
    }
  }

  @Test
  void severalIssuers_eachDecodedByItsOwnValidator_strangersRefused() {
    try (FakeProvider a = FakeProvider.start("client-a"); FakeProvider b = FakeProvider.start("client-b")) {
      runner.withPropertyValues(
              "idtoken.client-id=client-a",
              "idtoken.issuers[0].issuer=" + a.issuerUrl(),
              "idtoken.issuers[1].issuer=" + b.issuerUrl(),
              "idtoken.issuers[1].client-id=client-b",
              "idtoken.issuers[1].jwks-uri=" + b.jwksUri())
          .run(context -> {
            assertNull(context.getStartupFailure());
            assertEquals(Set.of(a.issuerUrl(), b.issuerUrl()), context.getBean(IssuerRegistry.class).issuers());
            assertNotNull(context.getBean(MultiIssuerValidator.class));
            assertTrue(context.getBeansOfType(RemoteKeySource.class).isEmpty());
            JwtDecoder decoder = context.getBean(JwtDecoder.class);
            assertEquals(a.issuerUrl(), decoder.decode(a.issuer().token().sign()).getClaimAsString("iss"));
            assertEquals(b.issuerUrl(), decoder.decode(b.issuer().token().sign()).getClaimAsString("iss"));
            String stranger = TestIssuer.create("https://stranger.example", "client-a").token().sign();
            assertCode(ErrorCode.UNTRUSTED_ISSUER, decoder, stranger);
            assertEquals(0, b.discoveryRequests());
          });
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "idtoken.clock-skew=1h | idtoken.clock-skew",
      "idtoken.max-token-age=0s | idtoken.max-token-age",
      "idtoken.algorithms=none | idtoken.algorithms",
      "idtoken.algorithms=RS256,HS256 | idtoken.algorithms",
      "idtoken.client-id= | idtoken.client-id",
      "idtoken.jwks-uri=http://keys.example/jwks | idtoken.jwks-uri",
      "idtoken.issuers[0].issuer=https://other.example | idtoken.issuer",
      "idtoken.authorities.claim= | idtoken.authorities.claim"})
  void start_wrongProperty_failsNamingIt(String property, String expected) {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      runner.withPropertyValues("idtoken.issuer=" + provider.issuerUrl(), "idtoken.client-id=c-1", property)
          .run(context -> assertEquals(expected, propertyFailure(context.getStartupFailure()).property()));
    }
  }

  @Test
  void start_plainHttpIssuer_failsNamingIt() {
    runner.withPropertyValues("idtoken.issuer=http://login.example.com", "idtoken.client-id=c-1")
        .run(context -> assertEquals("idtoken.issuer", propertyFailure(context.getStartupFailure()).property()));
  }

  @Test
  void start_sameIssuerTwice_failsNamingTheSecond() {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      runner.withPropertyValues("idtoken.client-id=c-1",
              "idtoken.issuers[0].issuer=" + provider.issuerUrl(),
              "idtoken.issuers[1].issuer=" + provider.issuerUrl())
          .run(context -> assertEquals("idtoken.issuers[1].issuer",
              propertyFailure(context.getStartupFailure()).property()));
    }
  }

  @Test
  void start_durationThatIsNoDuration_failsNamingIt() {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      runner.withPropertyValues("idtoken.issuer=" + provider.issuerUrl(), "idtoken.client-id=c-1",
              "idtoken.clock-skew=banana")
          .run(context -> {
            BindException bind = find(context.getStartupFailure(), BindException.class);
            assertNotNull(bind, String.valueOf(context.getStartupFailure()));
            assertEquals("idtoken.clock-skew", bind.getProperty().getName().toString());
          });
    }
  }

  @Test
  void backOff_userJwtDecoder_starterBuildsNothing() {
    JwtDecoder mine = token -> {
      throw new BadJwtException("mine");
    };
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      runner.withPropertyValues("idtoken.issuer=" + provider.issuerUrl(), "idtoken.client-id=c-1")
          .withBean(JwtDecoder.class, () -> mine)
          .run(context -> {
            assertNull(context.getStartupFailure());
            assertSame(mine, context.getBean(JwtDecoder.class));
            assertTrue(context.getBeansOfType(IdTokenValidator.class).isEmpty());
            assertTrue(context.getBeansOfType(RemoteKeySource.class).isEmpty());
            assertTrue(context.getBeansOfType(JwtAuthenticationConverter.class).isEmpty());
            assertTrue(context.getBeanNamesForType(IdTokenJwtDecoder.class).length == 0);
            assertEquals(0, provider.discoveryRequests() + provider.jwksRequests());
          });
    }
  }

  @Test
  void backOff_userKeySource_replacesOnlyTheRemoteKeySource() throws Exception {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      KeySet keys = KeySet.parse(provider.issuer().jwksJson());
      runner.withPropertyValues("idtoken.issuer=" + provider.issuerUrl(), "idtoken.client-id=c-1")
          .withBean(KeySource.class, () -> keys)
          .run(context -> {
            assertTrue(context.getBeansOfType(RemoteKeySource.class).isEmpty());
            assertEquals("user-1234", context.getBean(JwtDecoder.class)
                .decode(provider.issuer().token().sign()).getSubject());
            assertEquals(0, provider.discoveryRequests() + provider.jwksRequests());
          });
    }
  }

  @Test
  void noIdTokenProperties_starterBuildsNothing() {
    runner.run(context -> {
      assertNull(context.getStartupFailure());
      assertTrue(context.getBeansOfType(IdTokenValidator.class).isEmpty());
      assertTrue(context.getBeansOfType(JwtDecoder.class).isEmpty());
      assertTrue(context.getBeansOfType(RemoteKeySource.class).isEmpty());
    });
  }

  @Test
  void shutdown_closesTheKeySource() throws Exception {
    try (FakeProvider provider = FakeProvider.start("c-1")) {
      RemoteKeySource[] keys = new RemoteKeySource[1];
      runner.withPropertyValues("idtoken.issuer=" + provider.issuerUrl(), "idtoken.client-id=c-1")
          .run(context -> {
            keys[0] = context.getBean(RemoteKeySource.class);
            assertTrue(keys[0].refresh().get(10, TimeUnit.SECONDS).isServing());
          });
      assertThrows(Exception.class, () -> keys[0].refresh().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void metadata_jarDescribesEveryProperty() throws Exception {
    Set<String> names = new java.util.HashSet<>();
    java.util.Enumeration<java.net.URL> files = getClass().getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json");
    while (files.hasMoreElements()) {
      try (java.io.InputStream in = files.nextElement().openStream()) {
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).path("properties")
            .forEach(p -> names.add(p.path("name").asText()));
      }
    }
    for (String name : List.of("idtoken.issuer", "idtoken.client-id", "idtoken.algorithms", "idtoken.clock-skew",
        "idtoken.max-token-age", "idtoken.trusted-audiences", "idtoken.jwks-uri", "idtoken.issuers",
        "idtoken.authorities.claim", "idtoken.authorities.prefix", "management.health.idtoken.enabled")) {
      assertTrue(names.contains(name), name);
    }
  }

  private static void assertCode(ErrorCode expected, JwtDecoder decoder, String token) {
    InvalidIdTokenException e = assertThrows(InvalidIdTokenException.class, () -> decoder.decode(token));
    assertEquals(expected, e.code());
  }

  private static Set<String> authorities(JwtAuthenticationConverter converter, Jwt jwt) {
    return converter.convert(jwt).getAuthorities().stream().map(GrantedAuthority::getAuthority)
        .filter(a -> !a.startsWith("FACTOR_")).collect(Collectors.toSet());
  }

  private static IdTokenPropertyException propertyFailure(Throwable failure) {
    IdTokenPropertyException e = find(failure, IdTokenPropertyException.class);
    assertNotNull(e, "expected a start-up failure naming a property, got " + failure);
    return e;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
