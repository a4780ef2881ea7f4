package dev.idtoken.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.testkit.TokenBuilder;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.ValidationError;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The OpenID Foundation conformance suite's relying-party modules about ID tokens, keys and
 * discovery ({@code oidcc-client-test-*}), one test each, named by its module in
 * {@link DisplayName}. Each scripts the test kit's {@link FakeProvider} the way the module scripts
 * its fake provider, and validates through discovery as an application would ({@link
 * RemoteKeySource} and {@link IdTokenValidator}). README "Conformance" lists every module, these and
 * the ones that do not apply to a library.
 */
class OidccClientTestModulesTest {
  private static final String SECRET = "a-client-secret-of-at-least-32-bytes!!";

  private FakeProvider provider;
  private final AtomicLong nanos = new AtomicLong();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void start() {
    provider = FakeProvider.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    provider.close();
  }

  private TestIssuer issuer() {
    return provider.issuer();
  }

  /** The key source an application builds: discovery from the issuer, a manual ticker, loaded. */
  private RemoteKeySource keys() throws Exception {
    RemoteKeySource keys = RemoteKeySource.builder()
        .discovery(provider.issuerUrl())
        .allowInsecureLoopbackHttp()
        .ticker(nanos::get)
        .maxWait(Duration.ofSeconds(5))
        .build();
    closeables.add(keys);
    return keys;
  }

  private IdTokenValidator validator(Consumer<IdTokenValidator.Builder> options) throws Exception {
    IdTokenValidator.Builder builder = IdTokenValidator.builder()
        .issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID)
        .keySource(keys());
    options.accept(builder);
    return builder.build();
  }

  private IdTokenValidator validator() throws Exception {
    return validator(b -> {});
  }

  private static VerifiedIdToken assertValid(ValidationResult result) {
    return assertInstanceOf(ValidationResult.Valid.class, result, () -> "not valid: " + result).token();
  }

  private static void assertRefused(ErrorCode code, String claim, ValidationResult result) {
    ValidationResult.Invalid invalid =
        assertInstanceOf(ValidationResult.Invalid.class, result, () -> "not refused: " + result);
    assertEquals(new ValidationError(code, claim), invalid.errors().get(0), invalid.errors()::toString);
  }

  @Test
  @DisplayName("oidcc-client-test")
  void validate_codeFlowIdToken_isValid() throws Exception {
    String token = issuer().token().nonce("n-1").sign();
    assertEquals(TokenBuilder.DEFAULT_SUBJECT, assertValid(validator().validate(token, Expectations.nonce("n-1"))).subject());
  }

  @Test
  @DisplayName("oidcc-client-test-idtoken-sig-rs256")
  void validate_rs256SignedIdToken_isValid() throws Exception {
    assertValid(validator().validate(issuer().token().algorithm("RS256").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-idtoken-sig-none")
  void validate_unsignedIdToken_refusedAlgorithmNotAllowed() throws Exception {
    // The module accepts either outcome; this library never accepts alg none, by design.
    assertRefused(ErrorCode.ALGORITHM_NOT_ALLOWED, "alg",
        validator().validate(issuer().token().algorithm("none").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-sig-rs256")
  void validate_rs256SignatureByAnotherKey_refusedSignatureInvalid() throws Exception {
    TestKey impostor = TestKey.rsa(2048).withKid(issuer().signingKey().kid());
    assertRefused(ErrorCode.SIGNATURE_INVALID, null,
        validator().validate(issuer().token().signWith(impostor).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-sig-es256")
  void validate_es256SignatureByAnotherKey_refusedSignatureInvalid() throws Exception {
    issuer().useSigningKey(TestKey.ec("P-256"));
    TestKey impostor = TestKey.ec("P-256").withKid(issuer().signingKey().kid());
    IdTokenValidator validator = validator(b -> b.allowedAlgorithms(JwsAlgorithm.ES256));
    assertValid(validator.validate(issuer().token().sign()));
    assertRefused(ErrorCode.SIGNATURE_INVALID, null, validator.validate(issuer().token().signWith(impostor).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-sig-hs256")
  void validate_hs256SignatureWithAnotherSecret_refusedSignatureInvalid() throws Exception {
    IdTokenValidator validator = validator(b -> b.allowedAlgorithms(JwsAlgorithm.HS256).clientSecret(SECRET));
    byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
    assertValid(validator.validate(issuer().token().algorithm("HS256").hmacSecret(secret).kid(null).sign()));
    byte[] other = (SECRET + "x").getBytes(StandardCharsets.UTF_8);
    assertRefused(ErrorCode.SIGNATURE_INVALID, null,
        validator.validate(issuer().token().algorithm("HS256").hmacSecret(other).kid(null).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-iss")
  void validate_otherIssuer_refusedIssuerMismatch() throws Exception {
    assertRefused(ErrorCode.ISSUER_MISMATCH, "iss",
        validator().validate(issuer().token().issuer(TestIssuer.WRONG_ISSUER).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-aud")
  void validate_otherAudience_refusedAudienceMismatch() throws Exception {
    assertRefused(ErrorCode.AUDIENCE_MISMATCH, "aud",
        validator().validate(issuer().token().audience(TestIssuer.OTHER_AUDIENCE).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-missing-aud")
  void validate_noAudience_refusedMissingClaim() throws Exception {
    assertRefused(ErrorCode.MISSING_CLAIM, "aud", validator().validate(issuer().token().removeClaim("aud").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-missing-iat")
  void validate_noIssuedAt_refusedMissingClaim() throws Exception {
    assertRefused(ErrorCode.MISSING_CLAIM, "iat", validator().validate(issuer().token().removeClaim("iat").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-missing-sub")
  void validate_noSubject_refusedMissingClaim() throws Exception {
    assertRefused(ErrorCode.MISSING_CLAIM, "sub", validator().validate(issuer().token().removeClaim("sub").sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-kid-absent-single-jwks")
  void validate_noKidAndOneKeyPublished_isValid() throws Exception {
    TestKey only = TestKey.rsa(2048).withKid(null);
    for (TestKey published : List.copyOf(issuer().publishedKeys())) {
      issuer().removeKey(published.kid());
    }
    issuer().useSigningKey(only);
    assertEquals(1, issuer().publishedKeys().size());
    assertValid(validator().validate(issuer().token().sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-kid-absent-multiple-jwks")
  void validate_noKidAndSeveralKeysPublished_triesEachAndIsValid() throws Exception {
    // The module allows refusing or trying every key; this library tries up to three fitting keys.
    TestKey first = issuer().signingKey();
    TestKey second = issuer().rotate(); // other key material than the first
    for (TestKey published : List.copyOf(issuer().publishedKeys())) {
      issuer().removeKey(published.kid());
    }
    // Published in this order, so the first key tried fails and the second verifies.
    issuer().addKey(first.withKid(null)).addKey(second.withKid(null)).useSigningKey(second.withKid(null));
    assertValid(validator().validate(issuer().token().sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-nonce-invalid")
  void validate_otherNonce_refusedNonceMismatch() throws Exception {
    assertRefused(ErrorCode.NONCE_MISMATCH, "nonce",
        validator().validate(issuer().token().nonce("from-the-provider").sign(), Expectations.nonce("sent")));
  }

  @Test
  @DisplayName("oidcc-client-test-nonce-unless-code-flow")
  void validate_nonceExpectedOnlyWhenSent_validEitherWay() throws Exception {
    IdTokenValidator validator = validator();
    assertValid(validator.validate(issuer().token().nonce("sent").sign(), Expectations.nonce("sent")));
    assertValid(validator.validate(issuer().token().sign(), Expectations.none())); // code flow, no nonce sent
    assertRefused(ErrorCode.MISSING_CLAIM, "nonce", validator.validate(issuer().token().sign(), Expectations.nonce("sent")));
  }

  @Test
  @DisplayName("oidcc-client-test-missing-athash")
  void validate_accessTokenWithoutAtHash_refusedMissingClaim() throws Exception {
    assertRefused(ErrorCode.MISSING_CLAIM, "at_hash", validator().validate(issuer().token().sign(),
        Expectations.builder().accessToken("access-token-1").build()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-athash")
  void validate_atHashOfAnotherAccessToken_refusedAtHashMismatch() throws Exception {
    IdTokenValidator validator = validator();
    Expectations expected = Expectations.builder().accessToken("access-token-1").build();
    assertValid(validator.validate(issuer().token().accessTokenHash("access-token-1").sign(), expected));
    assertRefused(ErrorCode.AT_HASH_MISMATCH, "at_hash",
        validator.validate(issuer().token().accessTokenHash("access-token-2").sign(), expected));
  }

  @Test
  @DisplayName("oidcc-client-test-missing-chash")
  void validate_codeWithoutCHash_refusedMissingClaim() throws Exception {
    assertRefused(ErrorCode.MISSING_CLAIM, "c_hash", validator().validate(issuer().token().sign(),
        Expectations.builder().authorizationCode("code-1").build()));
  }

  @Test
  @DisplayName("oidcc-client-test-invalid-chash")
  void validate_cHashOfAnotherCode_refusedCHashMismatch() throws Exception {
    IdTokenValidator validator = validator();
    Expectations expected = Expectations.builder().authorizationCode("code-1").build();
    assertValid(validator.validate(issuer().token().codeHash("code-1").sign(), expected));
    assertRefused(ErrorCode.C_HASH_MISMATCH, "c_hash",
        validator.validate(issuer().token().codeHash("code-2").sign(), expected));
  }

  @Test
  @DisplayName("oidcc-client-test-ignores-unparseable-key-in-jwks")
  void validate_jwksWithUnusableKeys_ignoresThemAndIsValid() throws Exception {
    provider.extraJwks(
        "{\"kty\":\"AKP\",\"alg\":\"ML-DSA-999\",\"kid\":\"pq-1\",\"pub\":\"AAAA\"}",
        "{\"kty\":\"MADE-UP\",\"kid\":\"made-up-1\",\"x\":\"AAAA\"}");
    assertValid(validator().validate(issuer().token().sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-discovery-openid-config")
  void validate_keysFoundThroughDiscovery_isValid() throws Exception {
    assertValid(validator().validate(issuer().token().sign()));
    assertEquals(1, provider.discoveryRequests());
    assertEquals(1, provider.jwksRequests());
  }

  @Test
  @DisplayName("oidcc-client-test-discovery-jwks-uri-keys")
  void validate_jwksUriFromDiscovery_isFetchedAndValid() throws Exception {
    RemoteKeySource keys = keys();
    assertEquals(KeySourceHealth.Status.FRESH, keys.refresh().get(10, TimeUnit.SECONDS).status());
    assertEquals(1, provider.discoveryRequests(), "the configuration is read first");
    assertEquals(1, provider.jwksRequests(), "then the jwks_uri it names");
    IdTokenValidator validator = IdTokenValidator.builder().issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID).keySource(keys).build();
    assertValid(validator.validate(issuer().token().sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-discovery-issuer-mismatch")
  void validate_discoveryIssuerMismatch_neverValidAndKeysNeverFetched() throws Exception {
    provider.discoveryIssuer(TestIssuer.WRONG_ISSUER);
    ValidationResult result = validator().validate(issuer().token().sign());
    assertInstanceOf(ValidationResult.Unavailable.class, result, () -> "not unavailable: " + result);
    assertEquals(0, provider.jwksRequests(), "the flow stops at the configuration");
  }

  @Test
  @DisplayName("oidcc-client-test-signing-key-rotation")
  void validate_keysRotatedAfterFirstToken_secondTokenValidAfterOneFetch() throws Exception {
    IdTokenValidator validator = validator();
    assertValid(validator.validate(issuer().token().sign()));
    assertEquals(1, provider.jwksRequests());
    issuer().rotate();
    assertValid(validator.validate(issuer().token().sign()));
    assertEquals(2, provider.jwksRequests(), "exactly one fetch for the new key");
  }

  @Test
  @DisplayName("oidcc-client-test-signing-key-rotation-just-before-signing")
  void validate_keysRotatedJustBeforeSigning_validAfterOneFetch() throws Exception {
    RemoteKeySource keys = keys();
    assertEquals(KeySourceHealth.Status.FRESH, keys.refresh().get(10, TimeUnit.SECONDS).status());
    int loaded = provider.jwksRequests();
    IdTokenValidator validator = IdTokenValidator.builder().issuer(provider.issuerUrl())
        .clientId(FakeProvider.DEFAULT_CLIENT_ID).keySource(keys).build();
    // The module generates a new JWKS with new kids right before it signs the ID token.
    for (TestKey old : List.copyOf(issuer().publishedKeys())) {
      issuer().removeKey(old.kid());
    }
    TestKey fresh = TestKey.rsa(2048);
    issuer().addKey(fresh).useSigningKey(fresh);
    assertValid(validator.validate(issuer().token().sign()));
    assertEquals(loaded + 1, provider.jwksRequests(), "exactly one fetch for the new key");
  }

  /**
   * The same module when the cache was refreshed for an unknown kid moments earlier (a stray or
   * forged token): the genuine rotation that follows must not be answered 401.
   */
  @Test
  @DisplayName("oidcc-client-test-signing-key-rotation-just-before-signing (within the unknown-kid cooldown)")
  void validate_keysRotatedRightAfterAnUnknownKidRefresh_neverRefused() throws Exception {
    IdTokenValidator validator = validator();
    assertValid(validator.validate(issuer().token().sign()));
    assertRefused(ErrorCode.KEY_NOT_FOUND, null, validator.validate(issuer().token().kid("stray").sign()));
    int before = provider.jwksRequests();
    issuer().rotate();
    ValidationResult during = validator.validate(issuer().token().sign());
    assertFalse(during instanceof ValidationResult.Invalid,
        () -> "a genuine rotation was refused (401) instead of validated or deferred (503): " + during);
    if (during instanceof ValidationResult.Unavailable deferred) {
      assertTrue(deferred.retryAfter().isPresent(), "a 503 says when to retry");
    }
    nanos.addAndGet(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN.toNanos());
    assertValid(validator.validate(issuer().token().sign()));
    assertTrue(provider.jwksRequests() <= before + 1, "at most one fetch for the new key");
  }

  @Test
  @DisplayName("oidcc-client-test-refresh-token-invalid-issuer")
  void validate_refreshedIdTokenFromAnotherIssuer_refusedIssuerMismatch() throws Exception {
    assertRefused(ErrorCode.ISSUER_MISMATCH, "iss",
        validator().validate(issuer().token().issuer(TestIssuer.WRONG_ISSUER).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-refresh-token-invalid-aud")
  void validate_refreshedIdTokenForAnotherClient_refusedAudienceMismatch() throws Exception {
    assertRefused(ErrorCode.AUDIENCE_MISMATCH, "aud",
        validator().validate(issuer().token().audience(TestIssuer.OTHER_AUDIENCE).sign()));
  }

  @Test
  @DisplayName("oidcc-client-test-refresh-token-invalid-azp")
  void validate_refreshedIdTokenWithAnotherAzp_refusedAzpMismatch() throws Exception {
    assertRefused(ErrorCode.AZP_MISMATCH, "azp",
        validator().validate(issuer().token().authorizedParty(TestIssuer.OTHER_AUDIENCE).sign()));
  }
}
