package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestKey;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeySetTest {
  private static final TestKey RSA = TestKey.rsa(2048);
  private static final TestKey EC = TestKey.ec("P-256");
  private static final TestKey ED = TestKey.ed25519();

  private static String set(String... jwks) {
    return "{\"keys\":[" + String.join(",", jwks) + "]}";
  }

  private static String withMember(TestKey key, String member, String json) {
    String jwk = key.publicJwkJson();
    return jwk.substring(0, jwk.length() - 1) + ",\"" + member + "\":" + json + "}";
  }

  @Test
  void parse_rsaEcAndEd25519_allUsable() throws Exception {
    KeySet keys = KeySet.parse(set(RSA.publicJwkJson(), EC.publicJwkJson(), ED.publicJwkJson()));
    assertEquals(3, keys.keys().size());
    assertEquals(List.of(), keys.skippedKeys());
    assertEquals("RSA", keys.key(RSA.kid()).orElseThrow().keyType());
    assertEquals("EC", keys.key(EC.kid()).orElseThrow().keyType());
    assertEquals("OKP", keys.key(ED.kid()).orElseThrow().keyType());
    assertEquals(RSA.publicKey(), keys.key(RSA.kid()).orElseThrow().publicKey());
  }

  @Test
  void parse_notJson_isMalformed() {
    assertEquals(KeySetException.Reason.MALFORMED, assertThrows(KeySetException.class, () -> KeySet.parse("<html>")).reason());
    assertEquals(KeySetException.Reason.MALFORMED, assertThrows(KeySetException.class, () -> KeySet.parse("[]")).reason());
    assertEquals(KeySetException.Reason.MALFORMED, assertThrows(KeySetException.class, () -> KeySet.parse("{}")).reason());
    assertEquals(KeySetException.Reason.MALFORMED,
        assertThrows(KeySetException.class, () -> KeySet.parse("{\"keys\":{}}")).reason());
    assertEquals(KeySetException.Reason.MALFORMED,
        assertThrows(KeySetException.class, () -> KeySet.parse("{\"keys\":[],\"keys\":[]}")).reason());
  }

  @Test
  void parse_privateRsaKey_refusesWholeSet() {
    KeySetException e = assertThrows(KeySetException.class,
        () -> KeySet.parse(set(EC.publicJwkJson(), withMember(RSA, "d", "\"AQAB\""))));
    assertEquals(KeySetException.Reason.SECRET_KEY_MATERIAL, e.reason());
  }

  @Test
  void parse_symmetricKey_refusesWholeSet() {
    KeySetException e = assertThrows(KeySetException.class,
        () -> KeySet.parse(set(EC.publicJwkJson(), "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}")));
    assertEquals(KeySetException.Reason.SECRET_KEY_MATERIAL, e.reason());
  }

  @Test
  void parse_tooManyKeys_refusesWholeSet() {
    String many = IntStream.range(0, KeySet.MAX_KEYS + 1)
        .mapToObj(i -> RSA.withKid("k" + i).publicJwkJson()).collect(Collectors.joining(","));
    assertEquals(KeySetException.Reason.TOO_MANY_KEYS, assertThrows(KeySetException.class, () -> KeySet.parse(set(many))).reason());
  }

  @Test
  void parse_badKeys_skippedWithReasonOthersKept() throws Exception {
    String y = (String) EC.publicJwk().get("y");
    byte[] yBytes = Base64Url.decode(y);
    yBytes[yBytes.length - 1] ^= 1;
    String offCurve = EC.withKid("offcurve").publicJwkJson().replace(y, Base64Url.encode(yBytes));
    Map<String, KeySet.SkipReason> cases = Map.of(
        RSA.withKid("enc").withJwkUse("enc").publicJwkJson(), KeySet.SkipReason.NOT_FOR_SIGNATURES,
        withMember(RSA.withKid("ops"), "key_ops", "[\"encrypt\"]"), KeySet.SkipReason.NOT_FOR_SIGNATURES,
        "{\"kty\":\"XYZ\",\"kid\":\"kty\"}", KeySet.SkipReason.UNSUPPORTED_KEY_TYPE,
        RSA.withKid("alg").withJwkAlgorithm("RSA-OAEP").publicJwkJson(), KeySet.SkipReason.UNSUPPORTED_ALGORITHM,
        EC.withKid("mismatch").withJwkAlgorithm("ES384").publicJwkJson(), KeySet.SkipReason.UNSUPPORTED_ALGORITHM,
        offCurve, KeySet.SkipReason.INVALID_PARAMETERS,
        "{\"kty\":\"RSA\",\"kid\":\"nomod\",\"e\":\"AQAB\"}", KeySet.SkipReason.INVALID_PARAMETERS,
        "{\"kty\":\"EC\",\"kid\":\"curve\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}", KeySet.SkipReason.UNSUPPORTED_KEY_TYPE,
        "{\"kty\":\"OKP\",\"kid\":\"x448\",\"crv\":\"X448\",\"x\":\"AA\"}", KeySet.SkipReason.UNSUPPORTED_KEY_TYPE);
    for (Map.Entry<String, KeySet.SkipReason> c : cases.entrySet()) {
      KeySet keys = KeySet.parse(set(ED.publicJwkJson(), c.getKey()));
      assertEquals(List.of(ED.kid()), keys.keys().stream().map(k -> k.kid().orElse(null)).toList(), c.getKey());
      assertEquals(1, keys.skippedKeys().size(), c.getKey());
      assertEquals(c.getValue(), keys.skippedKeys().get(0).reason(), c.getKey());
    }
  }

  @Test
  void parse_shortEcCoordinate_isInvalid() throws Exception {
    // P-256 coordinates must be exactly 32 bytes (RFC 7518 §6.2.1.2), even with leading zeros.
    String jwk = "{\"kty\":\"EC\",\"kid\":\"short\",\"crv\":\"P-256\",\"x\":\"" + Base64Url.encode(new byte[31])
        + "\",\"y\":\"" + Base64Url.encode(new byte[32]) + "\"}";
    assertEquals(KeySet.SkipReason.INVALID_PARAMETERS, KeySet.parse(set(jwk)).skippedKeys().get(0).reason());
  }

  @Test
  void parse_weakRsa_skipped() throws Exception {
    RSAPublicKey rsa = (RSAPublicKey) RSA.publicKey();
    String e1 = "{\"kty\":\"RSA\",\"kid\":\"e1\",\"n\":\"" + Base64Url.encode(rsa.getModulus().toByteArray())
        + "\",\"e\":\"AQ\"}";
    String small = "{\"kty\":\"RSA\",\"kid\":\"small\",\"n\":\""
        + Base64Url.encode(rsa.getModulus().shiftRight(1100).toByteArray()) + "\",\"e\":\"AQAB\"}";
    KeySet keys = KeySet.parse(set(e1, small));
    assertTrue(keys.keys().isEmpty());
    assertTrue(keys.skippedKeys().stream().allMatch(s -> s.reason() == KeySet.SkipReason.WEAK_KEY));
  }

  /** An RSA JWK with an arbitrary modulus and exponent: parsing never needs the private key. */
  private static String rsaJwk(String kid, BigInteger n, BigInteger e) {
    return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + Base64Url.encode(n.toByteArray())
        + "\",\"e\":\"" + Base64Url.encode(e.toByteArray()) + "\"}";
  }

  private static BigInteger randomOdd(int bits, java.util.Random random) {
    return new BigInteger(bits, random).setBit(bits - 1).setBit(0);
  }

  @Test
  void parse_rsaOutsideSizeAndExponentBounds_skippedAsWeak() throws Exception {
    java.util.Random random = new java.util.Random(7);
    BigInteger f4 = BigInteger.valueOf(65537);
    Map<String, String> outside = Map.of(
        "n16384", rsaJwk("n16384", randomOdd(16384, random), f4),
        "n8193", rsaJwk("n8193", randomOdd(8193, random), f4),
        "e3071", rsaJwk("e3071", randomOdd(4096, random), randomOdd(3071, random)),
        "e33", rsaJwk("e33", randomOdd(2048, random), BigInteger.ONE.shiftLeft(32).add(BigInteger.ONE)),
        "e1", rsaJwk("e1", randomOdd(2048, random), BigInteger.ONE),
        "even", rsaJwk("even", randomOdd(2048, random), BigInteger.valueOf(65536)));
    for (Map.Entry<String, String> c : outside.entrySet()) {
      KeySet keys = KeySet.parse(set(ED.publicJwkJson(), c.getValue()));
      assertEquals(1, keys.keys().size(), c.getKey());
      assertEquals(List.of(new KeySet.SkippedKey(c.getKey(), KeySet.SkipReason.WEAK_KEY)), keys.skippedKeys(),
          c.getKey());
      assertTrue(keys.keys(c.getKey(), JwsAlgorithm.RS256).isEmpty(), c.getKey());
    }
    // The bounds themselves are inside.
    KeySet edges = KeySet.parse(set(rsaJwk("n8192", randomOdd(8192, random), f4),
        rsaJwk("e32", randomOdd(2048, random), BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE)),
        rsaJwk("e3", randomOdd(2048, random), BigInteger.valueOf(3))));
    assertEquals(List.of(), edges.skippedKeys());
    assertEquals(3, edges.keys().size());
  }

  @Test
  void of_rsaKeyOverTheSizeBound_refused() throws Exception {
    java.util.Random random = new java.util.Random(8);
    RSAPublicKey big = (RSAPublicKey) KeyFactory.getInstance("RSA")
        .generatePublic(new RSAPublicKeySpec(randomOdd(8200, random), BigInteger.valueOf(65537)));
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("big", big));
  }

  @Test
  void fits_keyTypeCurveAndJwkAlg() throws Exception {
    VerificationKey rsa = KeySet.parse(set(RSA.publicJwkJson())).keys().get(0);
    VerificationKey ec = KeySet.parse(set(EC.publicJwkJson())).keys().get(0);
    assertTrue(rsa.fits(JwsAlgorithm.RS256));
    assertTrue(rsa.fits(JwsAlgorithm.PS256));
    assertFalse(rsa.fits(JwsAlgorithm.ES256));
    assertFalse(ec.fits(JwsAlgorithm.RS256));
    assertThrows(NullPointerException.class, () -> rsa.fits(null));
  }

  @Test
  void parse_duplicateKidSameType_dropsBothKeepsOthers() throws Exception {
    KeySet keys = KeySet.parse(set(RSA.withKid("dup").publicJwkJson(), TestKey.rsa(3072).withKid("dup").publicJwkJson(),
        ED.publicJwkJson()));
    assertEquals(1, keys.keys().size());
    assertEquals(Optional.empty(), keys.key("dup"));
    assertEquals(List.of(KeySet.SkipReason.DUPLICATE_KID, KeySet.SkipReason.DUPLICATE_KID),
        keys.skippedKeys().stream().map(KeySet.SkippedKey::reason).toList());
  }

  @Test
  void parse_duplicateKidDifferentTypes_bothKeptAlgorithmPicks() throws Exception {
    // RFC 7517 §4.5: keys of different kty may share a kid.
    KeySet keys = KeySet.parse(set(RSA.withKid("shared").publicJwkJson(), EC.withKid("shared").publicJwkJson()));
    assertEquals(2, keys.keys().size());
    assertEquals(2, keys.keys("shared", JwsAlgorithm.RS256).size());
    assertEquals(Optional.empty(), keys.key("shared"));
    dev.idtoken.testkit.TestIssuer issuer = Fixtures.issuer().useSigningKey(EC.withKid("shared"));
    IdTokenValidator validator = Fixtures.validatorFor(issuer).keySource(keys)
        .allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.ES256).build();
    Fixtures.assertValid(validator.validate(issuer.token().sign()));
  }

  @Test
  void keys_byKidAndWithoutKid() throws Exception {
    KeySet keys = KeySet.parse(set(RSA.publicJwkJson(), EC.publicJwkJson()));
    assertEquals(1, keys.keys(RSA.kid(), JwsAlgorithm.RS256).size());
    assertEquals(0, keys.keys("unknown", JwsAlgorithm.RS256).size());
    assertEquals(2, keys.keys(null, JwsAlgorithm.RS256).size());
  }

  @Test
  void fromFile_readsJwks(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, set(RSA.publicJwkJson()));
    assertEquals(1, KeySet.fromFile(file).keys().size());
  }

  @Test
  void of_duplicateKid_isRefused() {
    VerificationKey a = VerificationKey.of("k", RSA.publicKey());
    VerificationKey b = VerificationKey.of("k", TestKey.rsa(3072).publicKey());
    assertThrows(IllegalArgumentException.class, () -> KeySet.of(a, b));
    assertEquals(2, KeySet.of(a, VerificationKey.of("k", EC.publicKey())).keys().size());
  }

  @Test
  void verificationKeyOf_weakOrUnsupportedKey_isRefused() throws Exception {
    RSAPublicKey rsa = (RSAPublicKey) RSA.publicKey();
    KeyFactory factory = KeyFactory.getInstance("RSA");
    RSAPublicKey small = (RSAPublicKey) factory.generatePublic(
        new RSAPublicKeySpec(rsa.getModulus().shiftRight(1100), BigInteger.valueOf(65537)));
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("small", small));
    RSAPublicKey evenExponent = (RSAPublicKey) factory.generatePublic(
        new RSAPublicKeySpec(rsa.getModulus(), BigInteger.valueOf(65536)));
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("even", evenExponent));
    assertThrows(NullPointerException.class, () -> VerificationKey.of("null", null));
  }

  @Test
  void verificationKey_equalityAndThumbprint() throws Exception {
    KeySet parsed = KeySet.parse(set(RSA.publicJwkJson()));
    VerificationKey fromJwk = parsed.keys().get(0);
    VerificationKey fromJca = VerificationKey.of(RSA.kid(), RSA.publicKey());
    assertEquals(fromJca.thumbprint(), fromJwk.thumbprint());
    assertFalse(fromJwk.toString().contains(((RSAPublicKey) RSA.publicKey()).getModulus().toString(16).substring(0, 16)));
  }

  @Test
  void weakKeys_rocaFingerprintDetected_randomKeysNot() throws Exception {
    // The modulus of Wycheproof's ROCA test key (json_web_key_test.json, tcId 7).
    String n = null;
    for (com.fasterxml.jackson.databind.JsonNode group : WycheproofSupport.load("json_web_key_test.json").get("testGroups")) {
      if (group.get("comment").asText().equals("jws_rsa_roca_key")) {
        n = group.get("public").get("keys").get(0).get("n").asText();
      }
    }
    assertTrue(WeakKeys.hasRocaFingerprint(new BigInteger(1, Base64Url.decode(n))));
    for (TestKey key : List.of(TestKey.rsa(2048), TestKey.rsa(3072), TestKey.rsa(4096))) {
      assertFalse(WeakKeys.hasRocaFingerprint(((RSAPublicKey) key.publicKey()).getModulus()));
    }
  }
}
