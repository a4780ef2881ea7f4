package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The algorithm comes from configuration and the key, never from the token. */
class AlgorithmsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private final TestIssuer issuer = Fixtures.issuer();

  static Stream<Arguments> asymmetric() {
    return Stream.of(
        Arguments.of(JwsAlgorithm.RS256, TestKey.rsa(2048)),
        Arguments.of(JwsAlgorithm.RS384, TestKey.rsa(3072)),
        Arguments.of(JwsAlgorithm.RS512, TestKey.rsa(4096)),
        Arguments.of(JwsAlgorithm.PS256, TestKey.rsa(2048)),
        Arguments.of(JwsAlgorithm.PS384, TestKey.rsa(2048)),
        Arguments.of(JwsAlgorithm.PS512, TestKey.rsa(2048)),
        Arguments.of(JwsAlgorithm.ES256, TestKey.ec("P-256")),
        Arguments.of(JwsAlgorithm.ES384, TestKey.ec("P-384")),
        Arguments.of(JwsAlgorithm.ES512, TestKey.ec("P-521")),
        Arguments.of(JwsAlgorithm.EDDSA, TestKey.ed25519()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("asymmetric")
  void validate_validTokenOfAllowedAlgorithm_isAccepted(JwsAlgorithm alg, TestKey key) {
    issuer.useSigningKey(key);
    IdTokenValidator validator = validatorFor(issuer).allowedAlgorithms(alg).build();
    String token = issuer.token().algorithm(alg.jwsName()).accessTokenHash("at").sign();
    assertValid(validator.validate(token, Expectations.builder().accessToken("at").build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("asymmetric")
  void validate_validTokenOfOtherAlgorithm_isRejectedBeforeKeyLookup(JwsAlgorithm alg, TestKey key) {
    issuer.useSigningKey(key);
    AtomicInteger lookups = new AtomicInteger();
    KeySource live = Fixtures.liveKeys(issuer);
    Set<JwsAlgorithm> others = EnumSet.complementOf(EnumSet.of(alg, JwsAlgorithm.HS256, JwsAlgorithm.HS384,
        JwsAlgorithm.HS512));
    IdTokenValidator validator = validatorFor(issuer).allowedAlgorithms(others)
        .keySource((kid, a) -> {
          lookups.incrementAndGet();
          return live.keys(kid, a);
        }).build();
    assertInvalid(validator.validate(issuer.token().algorithm(alg.jwsName()).sign()), ErrorCode.ALGORITHM_NOT_ALLOWED);
    assertEquals(0, lookups.get(), "a disallowed algorithm must not even reach the key source");
  }

  @ParameterizedTest
  @EnumSource(value = JwsAlgorithm.class, names = {"HS256", "HS384", "HS512"})
  void validate_hmacWithClientSecret_isAcceptedWithoutKeySource(JwsAlgorithm alg) {
    IdTokenValidator validator = IdTokenValidator.builder().issuer(issuer.issuer()).clientId(issuer.clientId())
        .clock(Fixtures.CLOCK).allowedAlgorithms(alg).clientSecret(SECRET).build();
    String token = issuer.token().algorithm(alg.jwsName()).hmacSecret(SECRET.getBytes(StandardCharsets.UTF_8)).sign();
    assertValid(validator.validate(token));
  }

  @Test
  void validate_hs256WithPublicKeyBytes_defaultConfig_returnsAlgorithmNotAllowed() {
    IdTokenValidator validator = validatorFor(issuer).build();
    assertInvalid(validator.validate(issuer.hostile(Hostile.HS256_WITH_PUBLIC_KEY)), ErrorCode.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validate_hs256WithPublicKeyBytes_hmacAllowed_neverUsesKeySourceBytes() {
    AtomicInteger lookups = new AtomicInteger();
    KeySource live = Fixtures.liveKeys(issuer);
    IdTokenValidator validator = validatorFor(issuer)
        .allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.HS256).clientSecret(SECRET)
        .keySource((kid, a) -> {
          lookups.incrementAndGet();
          return live.keys(kid, a);
        }).build();
    assertInvalid(validator.validate(issuer.hostile(Hostile.HS256_WITH_PUBLIC_KEY)), ErrorCode.SIGNATURE_INVALID);
    assertEquals(0, lookups.get(), "HMAC must be keyed with the client secret only");
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "NONE", "None", "nOnE", " none "})
  void fromName_none_cannotBeConfigured(String spelling) {
    assertThrows(IllegalArgumentException.class, () -> JwsAlgorithm.fromName(spelling));
  }

  @Test
  void jwsAlgorithm_hasNoNoneConstant() {
    assertTrue(Arrays.stream(JwsAlgorithm.values())
        .noneMatch(a -> a.jwsName().toLowerCase(Locale.ROOT).contains("none") || a.name().contains("NONE")));
  }

  @Test
  void fromName_knownNames_roundTrip() {
    for (JwsAlgorithm alg : JwsAlgorithm.values()) {
      assertEquals(alg, JwsAlgorithm.fromName(alg.jwsName()));
    }
    assertThrows(IllegalArgumentException.class, () -> JwsAlgorithm.fromName("rs256"));
  }

  @Test
  void validate_algNoneTokens_rejectedWhateverIsAllowed() {
    IdTokenValidator validator = validatorFor(issuer).allowedAlgorithms(EnumSet.allOf(JwsAlgorithm.class))
        .clientSecret(SECRET).build();
    assertInvalid(validator.validate(issuer.hostile(Hostile.ALG_NONE_UNSIGNED)), ErrorCode.ALGORITHM_NOT_ALLOWED);
    assertInvalid(validator.validate(issuer.hostile(Hostile.ALG_NONE_WITH_SIGNATURE)), ErrorCode.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validate_jwkRestrictedToOtherAlgorithm_returnsKeyNotFound() {
    issuer.useSigningKey(TestKey.rsa(2048).withJwkAlgorithm("RS256"));
    IdTokenValidator validator = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.PS256).build();
    assertValid(validator.validate(issuer.token().algorithm("RS256").sign()));
    assertInvalid(validator.validate(issuer.token().algorithm("PS256").sign()), ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void validate_keyTypeOrCurveNotFittingAlgorithm_returnsKeyNotFound() {
    TestKey p384 = TestKey.ec("P-384");
    issuer.useSigningKey(p384);
    IdTokenValidator validator = validatorFor(issuer)
        .allowedAlgorithms(JwsAlgorithm.ES256, JwsAlgorithm.ES384, JwsAlgorithm.RS256).build();
    // Header claims ES256 and RS256 but the key under that kid is P-384.
    assertInvalid(validator.validate(issuer.token().algorithm("ES384").header("alg", "ES256").sign()),
        ErrorCode.KEY_NOT_FOUND);
    assertInvalid(validator.validate(issuer.token().algorithm("ES384").header("alg", "RS256").sign()),
        ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void validate_encryptionKey_isNeverUsed() {
    issuer.useSigningKey(TestKey.rsa(2048).withJwkUse("enc"));
    assertInvalid(validatorFor(issuer).build().validate(issuer.token().sign()), ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void validate_noKid_singleFittingKeyUsed() {
    TestKey noKid = TestKey.rsa(2048).withKid(null);
    TestIssuer single = TestIssuer.create(Fixtures.ISSUER, Fixtures.CLIENT_ID).withClock(Fixtures.CLOCK)
        .useSigningKey(noKid);
    single.removeKey(single.publishedKeys().get(0).kid());
    assertEquals(1, single.publishedKeys().size());
    assertValid(validatorFor(single).build().validate(single.token().sign()));
  }

  @Test
  void validate_noKid_triesAtMostThreeFittingKeys() throws Exception {
    TestKey signer = TestKey.rsa(2048).withKid(null);
    List<VerificationKey> others = new ArrayList<>();
    for (int i = 0; i < JwsVerifier.MAX_KEYS_TRIED; i++) {
      others.add(VerificationKey.of("other-" + i, TestKey.rsa(2048).publicKey()));
    }
    VerificationKey right = VerificationKey.of(null, signer.publicKey());
    String token = issuer.token().signWith(signer).sign();

    List<VerificationKey> rightWithinBound = new ArrayList<>(others.subList(0, 2));
    rightWithinBound.add(right);
    assertValid(validatorFor(issuer).keySource(KeySet.of(rightWithinBound.toArray(new VerificationKey[0])))
        .build().validate(token));

    List<VerificationKey> rightBeyondBound = new ArrayList<>(others);
    rightBeyondBound.add(right);
    assertInvalid(validatorFor(issuer).keySource(KeySet.of(rightBeyondBound.toArray(new VerificationKey[0])))
        .build().validate(token), ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void validate_embeddedJwkUnderVictimKid_isIgnored() {
    TestKey attacker = TestKey.rsa(2048).withKid(issuer.signingKey().kid());
    String token = issuer.token().signWith(attacker).header("jwk", attacker.publicJwk()).sign();
    assertInvalid(validatorFor(issuer).build().validate(token), ErrorCode.SIGNATURE_INVALID);
  }
}
