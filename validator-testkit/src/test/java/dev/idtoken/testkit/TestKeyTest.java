package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestKeyTest {

  @ParameterizedTest
  @CsvSource({"P-256,ES256,32", "P-384,ES384,48", "P-521,ES512,66"})
  void ec_publicJwk_hasFullLengthCoordinatesAndParsesWithJose4j(String curve, String alg, int length)
      throws Exception {
    // Many keys, so that some coordinates have leading zero bytes.
    for (int i = 0; i < TestKey.POOL_SIZE; i++) {
      TestKey key = TestKey.ec(curve);
      Map<String, Object> jwk = key.publicJwk();

      assertEquals(List.of("kty", "crv", "x", "y", "kid", "use"), List.copyOf(jwk.keySet()));
      assertEquals("EC", jwk.get("kty"));
      assertEquals(curve, jwk.get("crv"));
      assertEquals(length, Jwts.decode((String) jwk.get("x")).length);
      assertEquals(length, Jwts.decode((String) jwk.get("y")).length);
      assertEquals(alg, key.defaultAlgorithm());
      PublicJsonWebKey parsed = (PublicJsonWebKey) JsonWebKey.Factory.newJwk(key.publicJwkJson());
      assertEquals(key.publicKey(), parsed.getPublicKey());
      assertTrue(key.publicKey() instanceof ECPublicKey);
    }
  }

  @Test
  void rsa_publicJwk_parsesWithJose4j() throws Exception {
    for (int bits : new int[] {2048, 3072}) {
      TestKey key = TestKey.rsa(bits);
      Map<String, Object> jwk = key.publicJwk();

      assertEquals(List.of("kty", "n", "e", "kid", "use"), List.copyOf(jwk.keySet()));
      assertEquals("AQAB", jwk.get("e"));
      assertEquals(bits / 8, Jwts.decode((String) jwk.get("n")).length);
      assertEquals(bits, ((RSAPublicKey) key.publicKey()).getModulus().bitLength());
      assertEquals("RS256", key.defaultAlgorithm());
      PublicJsonWebKey parsed = (PublicJsonWebKey) JsonWebKey.Factory.newJwk(key.publicJwkJson());
      assertEquals(key.publicKey(), parsed.getPublicKey());
    }
  }

  @Test
  void ed25519_publicJwk_isOkpWith32ByteX() throws Exception {
    TestKey key = TestKey.ed25519();
    Map<String, Object> jwk = key.publicJwk();

    assertEquals(List.of("kty", "crv", "x", "kid", "use"), List.copyOf(jwk.keySet()));
    assertEquals("OKP", jwk.get("kty"));
    assertEquals("Ed25519", jwk.get("crv"));
    assertEquals(32, Jwts.decode((String) jwk.get("x")).length);
    assertEquals("EdDSA", key.defaultAlgorithm());
    PublicJsonWebKey parsed = (PublicJsonWebKey) JsonWebKey.Factory.newJwk(key.publicJwkJson());
    assertEquals(key.publicKey(), parsed.getPublicKey());
  }

  @Test
  void factories_generateUniqueKidsAndDistinctConsecutiveMaterial() {
    Set<String> kids = new HashSet<>();
    List<TestKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < TestKey.POOL_SIZE; i++) {
      TestKey key = TestKey.ec("P-256");
      assertTrue(kids.add(key.kid()));
      for (TestKey earlier : keys) {
        assertFalse(key.sameKeyMaterial(earlier));
      }
      keys.add(key);
    }
    assertTrue(kids.add(TestKey.rsa(2048).kid()));
    assertTrue(kids.add(TestKey.ed25519().kid()));
  }

  @Test
  void with_changesOnlyTheNamedPart() {
    TestKey key = TestKey.ec("P-256");

    TestKey renamed = key.withKid("k1");
    TestKey kidless = key.withKid(null);
    TestKey withAlg = key.withJwkAlgorithm("ES256");
    TestKey noUse = key.withJwkUse(null);

    assertEquals("k1", renamed.kid());
    assertTrue(renamed.sameKeyMaterial(key));
    assertEquals(renamed.privateKey(), key.privateKey());
    assertNull(kidless.kid());
    assertFalse(kidless.publicJwk().containsKey("kid"));
    assertEquals("ES256", withAlg.publicJwk().get("alg"));
    assertEquals("ES256", withAlg.defaultAlgorithm());
    assertEquals("sig", key.publicJwk().get("use"));
    assertEquals("enc", key.withJwkUse("enc").publicJwk().get("use"));
    assertFalse(noUse.publicJwk().containsKey("use"));
    assertFalse(key.publicJwk().containsKey("alg"));
    assertNotEquals(key, renamed);
    assertEquals(key, key.withKid(key.kid()));
    assertFalse(key.toString().contains((String) key.publicJwk().get("x")));
  }

  @Test
  void factories_rejectUnsupportedSizes() {
    assertThrows(IllegalArgumentException.class, () -> TestKey.rsa(1024));
    assertThrows(IllegalArgumentException.class, () -> TestKey.ec("secp256k1"));
  }
}
