package dev.idtoken.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.spring.IdTokenJwtDecoder;
import dev.idtoken.spring.IdTokenProperties;
import dev.idtoken.spring.RemoteKeySourceCustomizer;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The README's quick start, as a user's application: the starter, Spring Boot's default
 * resource-server security (no security code) and exactly the README's three properties, pointed at a
 * fake provider on 127.0.0.1; real HTTP.
 */
@SpringBootTest(classes = ResourceServerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "management.endpoint.health.show-details=always",
        // Lets Hostile.OVERSIZED (over 64 KiB) reach the validator instead of Tomcat's 400.
        "server.max-http-request-header-size=128KB"})
@DirtiesContext
class ResourceServerTest {
  static final String CLIENT_ID = "spring-it-client";
  static final FakeProvider PROVIDER = FakeProvider.start(CLIENT_ID);
  static final ManualTicker TICKER = new ManualTicker();
  private static volatile boolean loaded;

  private static final Pattern DESCRIPTION = Pattern.compile("error_description=\"([^\"]*)\"");
  private static final Map<Hostile, Set<ErrorCode>> EXPECTED = new EnumMap<>(Hostile.class);
  private static final Set<Hostile> UNKNOWN_KIDS = EnumSet.of(Hostile.EMBEDDED_JWK, Hostile.JKU_HEADER, Hostile.UNKNOWN_KID);

  static {
    EXPECTED.put(Hostile.EXPIRED, EnumSet.of(ErrorCode.EXPIRED));
    EXPECTED.put(Hostile.NOT_YET_VALID, EnumSet.of(ErrorCode.NOT_YET_VALID));
    EXPECTED.put(Hostile.ISSUED_IN_FUTURE, EnumSet.of(ErrorCode.ISSUED_IN_FUTURE));
    EXPECTED.put(Hostile.WRONG_ISSUER, EnumSet.of(ErrorCode.ISSUER_MISMATCH));
    EXPECTED.put(Hostile.WRONG_AUDIENCE, EnumSet.of(ErrorCode.AUDIENCE_MISMATCH));
    EXPECTED.put(Hostile.EXTRA_AUDIENCE_WITHOUT_AZP, EnumSet.of(ErrorCode.UNTRUSTED_AUDIENCE, ErrorCode.MISSING_CLAIM));
    EXPECTED.put(Hostile.MISSING_SUBJECT, EnumSet.of(ErrorCode.MISSING_CLAIM));
    EXPECTED.put(Hostile.ALG_NONE_UNSIGNED, EnumSet.of(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.ALG_NONE_WITH_SIGNATURE, EnumSet.of(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.HS256_WITH_PUBLIC_KEY, EnumSet.of(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.EMBEDDED_JWK, EnumSet.of(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.JKU_HEADER, EnumSet.of(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.UNKNOWN_KID, EnumSet.of(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.TAMPERED_PAYLOAD, EnumSet.of(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.TAMPERED_SIGNATURE, EnumSet.of(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.TRUNCATED_SIGNATURE, EnumSet.of(ErrorCode.SIGNATURE_INVALID));
    // ES256 is not in the README's allow-list (RS256 by default): refused before any key is used.
    EXPECTED.put(Hostile.ZERO_ECDSA_SIGNATURE, EnumSet.of(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.OVERSIZED, EnumSet.of(ErrorCode.TOKEN_TOO_LARGE));
    EXPECTED.put(Hostile.ACCESS_TOKEN, EnumSet.of(ErrorCode.WRONG_TOKEN_TYPE));
  }

  @DynamicPropertySource
  static void readmeProperties(DynamicPropertyRegistry registry) {
    Map<String, String> readme = Readme.springBootProperties();
    assertEquals(Set.of("idtoken.issuer", "idtoken.client-id", "idtoken.authorities.claim"), readme.keySet());
    readme.forEach((name, value) -> registry.add(name, () -> switch (name) {
      case "idtoken.issuer" -> PROVIDER.issuerUrl();
      case "idtoken.client-id" -> CLIENT_ID;
      default -> value;
    }));
  }

  @AfterAll
  static void stopProvider() {
    PROVIDER.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(MeController.class)
  static class App {
    // Test only: the fake provider is plain HTTP on loopback, and the test moves the key source's clock.
    @Bean
    RemoteKeySourceCustomizer fakeProviderForTests() {
      return keys -> keys.allowInsecureLoopbackHttp().ticker(TICKER);
    }
  }

  @Value("${local.server.port}")
  int port;

  @Autowired
  ApplicationContext context;

  @BeforeEach
  void keysLoaded() throws Exception {
    // The first fetch runs in the background from start-up; on a loaded machine it can outlast a
    // request's bounded wait (503), which is not what these tests are about. Wait for it, once.
    if (!loaded) {
      context.getBean(RemoteKeySource.class).refresh().get(30, TimeUnit.SECONDS);
      loaded = true;
    }
  }

  @Test
  void get_validToken_returns200WithPrincipalAndAuthorities() {
    String token = PROVIDER.issuer().token().subject("patient-42").claim("roles", List.of("nurse", "admin")).sign();

    HttpResponse<String> response = Http.get(port, "/me", token);

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("name=patient-42\n"), response.body());
    assertEquals(Set.of("ROLE_admin", "ROLE_nurse"), roles(response.body()));
  }

  @Test
  void get_validToken_jwtCarriesTheHeaderAndInstantTimes() {
    String token = PROVIDER.issuer().token().sign();

    HttpResponse<String> response = Http.get(port, "/me", token);

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("alg=RS256\n"), response.body());
    assertTrue(response.body().contains("kid=" + PROVIDER.issuer().signingKey().kid() + "\n"), response.body());
    assertTrue(response.body().contains("exp=Instant\n"), response.body());
    assertTrue(response.body().contains("iss=" + PROVIDER.issuerUrl() + "\n"), response.body());
  }

  @Test
  void get_noToken_returns401WithBearerChallenge() {
    HttpResponse<String> response = Http.get(port, "/me", null);

    assertEquals(401, response.statusCode());
    String challenge = Http.header(response, "WWW-Authenticate");
    // Spring Security 7 adds resource_metadata (RFC 9728); there is no error without a token.
    assertTrue(challenge.equals("Bearer") || challenge.startsWith("Bearer resource_metadata="), challenge);
  }

  @ParameterizedTest
  @EnumSource(Hostile.class)
  void get_hostileToken_returns401InvalidTokenWithItsReason(Hostile kind) {
    if (UNKNOWN_KIDS.contains(kind)) {
      // A kid is refused (401) only once a fetch confirmed it absent; such fetches start at most once
      // per cooldown, and in between the answer is 503. Let the cooldown pass.
      TICKER.advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.plus(Duration.ofSeconds(1)));
    }
    HttpResponse<String> response = Http.get(port, "/me", PROVIDER.issuer().hostile(kind));

    assertEquals(401, response.statusCode(), kind.name());
    String challenge = Http.header(response, "WWW-Authenticate");
    assertNotNull(challenge, kind.name());
    assertTrue(challenge.startsWith("Bearer error=\"invalid_token\""), challenge);
    assertTrue(EXPECTED.get(kind).contains(code(challenge)), kind + ": " + challenge);
  }

  @Test
  void get_tokenSignedWithRotatedKey_returns200() {
    // The hostile tokens with unknown kids may have used the refresh allowed per cooldown.
    TICKER.advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.plus(Duration.ofSeconds(1)));
    TestKey next = PROVIDER.issuer().rotate();
    String token = PROVIDER.issuer().token().sign();

    HttpResponse<String> response = Http.get(port, "/me", token);

    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.body().contains("kid=" + next.kid() + "\n"), response.body());
  }

  @Test
  void health_keysLoaded_reportsIdTokenUpWithKids() throws Exception {
    HttpResponse<String> response = Http.get(port, "/actuator/health", PROVIDER.issuer().token().sign());

    assertEquals(200, response.statusCode(), response.body());
    JsonNode idToken = new ObjectMapper().readTree(response.body()).path("components").path("idToken");
    assertEquals("UP", idToken.path("status").asText(), response.body());
    assertEquals("FRESH", idToken.path("details").path("keys").asText(), response.body());
    assertTrue(idToken.path("details").path("kids").toString().contains(PROVIDER.issuer().signingKey().kid()),
        response.body());
  }

  @Test
  void properties_readmeQuickStart_configureOneValidatorAsTheJwtDecoder() {
    IdTokenProperties properties = context.getBean(IdTokenProperties.class);
    assertEquals(PROVIDER.issuerUrl(), properties.issuer());
    assertEquals(CLIENT_ID, properties.clientId());
    assertEquals(List.of("RS256"), properties.algorithms());
    assertEquals(Duration.ofSeconds(60), properties.clockSkew());
    assertEquals("roles", properties.authorities().claim());
    assertEquals("ROLE_", properties.authorities().prefix());

    IdTokenValidator validator = context.getBean(IdTokenValidator.class);
    assertEquals(PROVIDER.issuerUrl(), validator.issuer());
    assertEquals(CLIENT_ID, validator.clientId());
    assertEquals(Set.of(JwsAlgorithm.RS256), validator.allowedAlgorithms());
    assertInstanceOf(IdTokenJwtDecoder.class, context.getBean(JwtDecoder.class));
    assertEquals(1, context.getBeansOfType(RemoteKeySource.class).size());
  }

  @Test
  void classPath_bootsJsonMapperAndNimbus_coexistWithTheLibrarysJackson2() throws Exception {
    // Spring's own JSON mapper: Jackson 3 on Boot 4, Jackson 2 on Boot 3; the library uses Jackson 2
    // internally either way, and Spring Security brings Nimbus for its own decoders.
    String mapper = SpringBootVersion.getVersion().startsWith("4.")
        ? "tools.jackson.databind.json.JsonMapper" : "com.fasterxml.jackson.databind.ObjectMapper";
    assertEquals(1, context.getBeanNamesForType(Class.forName(mapper)).length, mapper);
    assertNotNull(Class.forName("com.fasterxml.jackson.databind.JsonNode"));
    assertNotNull(Class.forName("com.nimbusds.jwt.SignedJWT"));
    // And a request through both still works (the health test renders JSON with Spring's mapper).
    assertEquals(200, Http.get(port, "/me", PROVIDER.issuer().token().sign()).statusCode());
  }

  @Test
  void readme_quickStartDependency_isTheStarter() {
    String xml = Readme.springBootDependency();
    assertTrue(xml.contains("<groupId>dev.idtoken</groupId>"), xml);
    assertTrue(xml.contains("<artifactId>validator-spring-boot</artifactId>"), xml);
  }

  /** The ROLE_ authorities the application saw (Spring Security 7 adds FACTOR_BEARER beside them). */
  static Set<String> roles(String body) {
    String line = body.lines().filter(l -> l.startsWith("authorities=")).findFirst().orElseThrow();
    return Arrays.stream(line.substring("authorities=".length()).split(","))
        .filter(a -> a.startsWith("ROLE_")).collect(Collectors.toSet());
  }

  /** The typed reason: the code whose fixed message is the challenge's description. */
  static ErrorCode code(String challenge) {
    Matcher m = DESCRIPTION.matcher(challenge);
    if (!m.find()) {
      return null;
    }
    for (ErrorCode code : ErrorCode.values()) {
      if (code.message().equals(m.group(1))) {
        return code;
      }
    }
    return null;
  }
}
