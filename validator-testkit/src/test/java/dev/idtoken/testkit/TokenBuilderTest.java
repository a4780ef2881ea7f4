package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenBuilderTest {

  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final TestIssuer ISSUER =
      TestIssuer.create("https://issuer.example", "client-1")
          .withClock(Clock.fixed(NOW, ZoneOffset.UTC));

  static TestKey keyFor(String alg) {
    switch (alg.substring(0, 2)) {
      case "RS":
      case "PS":
        return TestKey.rsa(2048);
      case "ES":
        return TestKey.ec(alg.equals("ES256") ? "P-256" : alg.equals("ES384") ? "P-384" : "P-521");
      default:
        return TestKey.ed25519();
    }
  }

  /** Verifies with plain java.security.Signature, written independently of the kit. */
  static boolean jdkVerify(String alg, PublicKey key, String jws) throws Exception {
    Signature verifier;
    String bits = alg.substring(2);
    switch (alg.substring(0, 2)) {
      case "RS":
        verifier = Signature.getInstance("SHA" + bits + "withRSA");
        break;
      case "PS":
        verifier = Signature.getInstance("RSASSA-PSS");
        String hash = "SHA-" + bits;
        verifier.setParameter(
            new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), Integer.parseInt(bits) / 8, 1));
        break;
      case "ES":
        verifier = Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
        break;
      default:
        verifier = Signature.getInstance("Ed25519");
    }
    verifier.initVerify(key);
    verifier.update(Jwts.signingInput(jws));
    return verifier.verify(Jwts.signature(jws));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"})
  void sign_eachAsymmetricAlgorithm_verifiesWithJdkSignatureAndJose4j(String alg) throws Exception {
    TestKey key = keyFor(alg);

    String jws = ISSUER.token().signWith(key).algorithm(alg).sign();

    assertTrue(jdkVerify(alg, key.publicKey(), jws));
    JsonWebSignature jose = new JsonWebSignature();
    jose.setAlgorithmConstraints(
        new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
    jose.setCompactSerialization(jws);
    jose.setKey(key.publicKey());
    assertTrue(jose.verifySignature());
    assertEquals(Map.of("alg", alg, "kid", key.kid(), "typ", "JWT"), Jwts.header(jws));
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "ES256", "ES384", "ES512", "EdDSA"})
  void sign_defaultAlgorithmOfKey_isUsedInHeader(String alg) throws Exception {
    TestKey key = keyFor(alg);

    String jws = ISSUER.token().signWith(key).sign();

    assertEquals(alg, Jwts.header(jws).get("alg"));
    assertTrue(jdkVerify(alg, key.publicKey(), jws));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ES256", "ES384", "ES512"})
  void sign_ecdsa_isFixedLengthRConcatS(String alg) {
    TestKey key = keyFor(alg);
    int expected = alg.equals("ES256") ? 64 : alg.equals("ES384") ? 96 : 132;

    for (int i = 0; i < 20; i++) {
      assertEquals(expected, Jwts.signature(ISSUER.token().signWith(key).sign()).length);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void sign_hmac_verifiesWithJdkMac(String alg) throws Exception {
    byte[] secret = "a-test-secret-of-at-least-64-bytes-for-hs512-0123456789abcdef-xyz".getBytes(StandardCharsets.US_ASCII);

    String jws = ISSUER.token().algorithm(alg).hmacSecret(secret).sign();

    Mac mac = Mac.getInstance("HmacSHA" + alg.substring(2));
    mac.init(new SecretKeySpec(secret, "HmacSHA" + alg.substring(2)));
    assertArrayEquals(mac.doFinal(Jwts.signingInput(jws)), Jwts.signature(jws));
    JsonWebSignature jose = new JsonWebSignature();
    jose.setAlgorithmConstraints(
        new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, alg));
    jose.setCompactSerialization(jws);
    jose.setKey(new HmacKey(secret));
    assertTrue(jose.verifySignature());
    assertEquals(alg, Jwts.header(jws).get("alg"));
  }

  @Test
  void sign_hmacWithoutSecret_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> ISSUER.token().algorithm("HS256").sign());
  }

  @Test
  void algorithm_unknown_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> ISSUER.token().algorithm("RS1"));
  }

  @Test
  void sign_rsaAlgorithmWithEcKey_throwsIllegalState() {
    TokenBuilder builder = ISSUER.token().signWith(TestKey.ec("P-256")).algorithm("RS256");
    assertThrows(IllegalStateException.class, builder::sign);
  }

  @Test
  void token_defaults_areAValidIdToken() throws Exception {
    String jws = ISSUER.token().sign();

    Map<String, Object> payload = Jwts.payload(jws);
    assertEquals("https://issuer.example", payload.get("iss"));
    assertEquals("user-1234", payload.get("sub"));
    assertEquals("client-1", payload.get("aud"));
    assertEquals(NOW.getEpochSecond(), ((Number) payload.get("iat")).longValue());
    assertEquals(NOW.getEpochSecond() + 300, ((Number) payload.get("exp")).longValue());
    assertEquals(NOW.getEpochSecond() - 60, ((Number) payload.get("auth_time")).longValue());
    assertEquals(6, payload.size());
    TestKey key = ISSUER.signingKey();
    assertEquals(Map.of("alg", "RS256", "kid", key.kid(), "typ", "JWT"), Jwts.header(jws));
    assertTrue(jdkVerify("RS256", key.publicKey(), jws));
  }

  @Test
  void setters_overrideAndRemoveClaims() {
    Instant t = Instant.parse("2031-01-01T00:00:00.900Z");
    String jws =
        ISSUER.token()
            .issuer("https://other.example")
            .subject("s")
            .audience("a", "b")
            .authorizedParty("a")
            .issuedAt(t)
            .expiresAt(t)
            .notBefore(t)
            .authTime(null)
            .nonce("n-0S6")
            .claim("roles", List.of("x", "y"))
            .claim("obj", Map.of("k", 1))
            .claim("flag", true)
            .claim("nil", null)
            .sign();

    Map<String, Object> payload = Jwts.payload(jws);
    assertEquals("https://other.example", payload.get("iss"));
    assertEquals("s", payload.get("sub"));
    assertEquals(List.of("a", "b"), payload.get("aud"));
    assertEquals("a", payload.get("azp"));
    assertEquals(t.getEpochSecond(), ((Number) payload.get("iat")).longValue());
    assertEquals(t.getEpochSecond(), ((Number) payload.get("exp")).longValue());
    assertEquals(t.getEpochSecond(), ((Number) payload.get("nbf")).longValue());
    assertFalse(payload.containsKey("auth_time"));
    assertEquals("n-0S6", payload.get("nonce"));
    assertEquals(List.of("x", "y"), payload.get("roles"));
    assertEquals(Map.of("k", 1), payload.get("obj"));
    assertEquals(true, payload.get("flag"));
    assertTrue(payload.containsKey("nil"));
    assertNull(payload.get("nil"));
    assertFalse(Jwts.payload(ISSUER.token().removeClaim("sub").sign()).containsKey("sub"));
    assertEquals(List.of(), Jwts.payload(ISSUER.token().audience().sign()).get("aud"));
  }

  @Test
  void headers_kidTypeAndRawOverrides() throws Exception {
    TestKey key = ISSUER.signingKey();

    String jws = ISSUER.token().kid("other").type(null).header("cty", "JWT").sign();
    assertEquals(Map.of("alg", "RS256", "kid", "other", "cty", "JWT"), Jwts.header(jws));

    String noKid = ISSUER.token().kid(null).removeHeader("typ").sign();
    assertEquals(Map.of("alg", "RS256"), Jwts.header(noKid));

    String kidless = ISSUER.token().signWith(key.withKid(null)).sign();
    assertFalse(Jwts.header(kidless).containsKey("kid"));

    // A raw "alg" header changes what the token claims, not how it is signed.
    String lying = ISSUER.token().header("alg", "RS512").sign();
    assertEquals("RS512", Jwts.header(lying).get("alg"));
    assertTrue(jdkVerify("RS256", key.publicKey(), lying));
  }

  @Test
  void signingInput_isTheFirstTwoSegmentsOfTheSignedToken() {
    TokenBuilder builder = ISSUER.token();
    String jws = builder.sign();
    assertEquals(new String(Jwts.signingInput(jws), StandardCharsets.US_ASCII), builder.signingInput());
  }

  @Test
  void hashes_openIdConnectCoreExamples() {
    // OpenID Connect Core 1.0, Appendix A.3 and A.4 (RS256).
    String jws =
        ISSUER.token()
            .accessTokenHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")
            .codeHash("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk")
            .sign();

    Map<String, Object> payload = Jwts.payload(jws);
    assertEquals("77QmUPtjPfzWtF2AnpK9RQ", payload.get("at_hash"));
    assertEquals("LDktKdoQak3Pk0cnXxCltA", payload.get("c_hash"));
  }

  @ParameterizedTest
  @CsvSource({"RS256,SHA-256", "ES384,SHA-384", "PS512,SHA-512", "EdDSA,SHA-512", "ES512,SHA-512"})
  void hashes_useTheHashOfTheAlgorithm(String alg, String digest) throws Exception {
    String jws =
        ISSUER.token()
            .signWith(keyFor(alg))
            .algorithm(alg)
            .accessTokenHash("access")
            .codeHash("code")
            .stateHash("state")
            .sign();

    Map<String, Object> payload = Jwts.payload(jws);
    assertEquals(leftHalf(digest, "access"), payload.get("at_hash"));
    assertEquals(leftHalf(digest, "code"), payload.get("c_hash"));
    assertEquals(leftHalf(digest, "state"), payload.get("s_hash"));
  }

  @Test
  void hashes_nullRemovesAndHmacAlgorithmsWork() {
    String jws =
        ISSUER.token()
            .accessTokenHash("a")
            .accessTokenHash(null)
            .algorithm("HS384")
            .hmacSecret(new byte[48])
            .stateHash("s")
            .sign();

    Map<String, Object> payload = Jwts.payload(jws);
    assertFalse(payload.containsKey("at_hash"));
    assertEquals(leftHalfUnchecked("SHA-384", "s"), payload.get("s_hash"));
  }

  private static String leftHalfUnchecked(String digest, String value) {
    try {
      return leftHalf(digest, value);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String leftHalf(String digest, String value) throws Exception {
    byte[] hash = MessageDigest.getInstance(digest).digest(value.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
  }
}
