package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HostileTest {

  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final long NOW_S = NOW.getEpochSecond();

  private final TestIssuer issuer =
      TestIssuer.create("https://issuer.example", "client-1")
          .withClock(Clock.fixed(NOW, ZoneOffset.UTC));

  private Set<String> publishedKids() {
    return issuer.publishedKeys().stream().map(TestKey::kid).collect(Collectors.toSet());
  }

  private boolean signedByPublishedKey(String jws) throws Exception {
    String kid = (String) Jwts.header(jws).get("kid");
    for (TestKey key : issuer.publishedKeys()) {
      if (key.kid().equals(kid)) {
        return TokenBuilderTest.jdkVerify(key.defaultAlgorithm(), key.publicKey(), jws);
      }
    }
    return false;
  }

  private static long num(Map<String, Object> payload, String claim) {
    return ((Number) payload.get(claim)).longValue();
  }

  /** Every kind: a well-formed three-part token; claims not about the defect are the valid ones. */
  @ParameterizedTest
  @EnumSource(Hostile.class)
  void hostile_everyKind_isOtherwiseValid(Hostile kind) {
    String jws = issuer.hostile(kind);
    Map<String, Object> payload = Jwts.payload(jws);
    Map<String, Object> header = Jwts.header(jws);

    if (kind != Hostile.WRONG_ISSUER) {
      assertEquals("https://issuer.example", payload.get("iss"));
    }
    if (kind != Hostile.WRONG_AUDIENCE && kind != Hostile.EXTRA_AUDIENCE_WITHOUT_AZP) {
      assertEquals("client-1", payload.get("aud"));
    }
    if (kind != Hostile.MISSING_SUBJECT) {
      assertTrue(payload.containsKey("sub"));
    }
    Set<Hostile> timeKinds = EnumSet.of(Hostile.EXPIRED, Hostile.NOT_YET_VALID, Hostile.ISSUED_IN_FUTURE);
    if (!timeKinds.contains(kind)) {
      assertEquals(NOW_S, num(payload, "iat"));
      assertEquals(NOW_S + 300, num(payload, "exp"));
      assertFalse(payload.containsKey("nbf"));
    }
    assertTrue(num(payload, "exp") > num(payload, "iat"));
    if (kind != Hostile.ACCESS_TOKEN) {
      assertEquals("JWT", header.get("typ"));
    }
  }

  @Test
  void expired_expBeforeNow() throws Exception {
    String jws = issuer.hostile(Hostile.EXPIRED);
    assertEquals(NOW_S - 3600, num(Jwts.payload(jws), "exp"));
    assertTrue(signedByPublishedKey(jws));
  }

  @Test
  void notYetValid_nbfAfterNow() throws Exception {
    Map<String, Object> payload = Jwts.payload(issuer.hostile(Hostile.NOT_YET_VALID));
    assertEquals(NOW_S + 3600, num(payload, "nbf"));
    assertTrue(num(payload, "exp") > num(payload, "nbf"));
  }

  @Test
  void issuedInFuture_iatAfterNow() {
    Map<String, Object> payload = Jwts.payload(issuer.hostile(Hostile.ISSUED_IN_FUTURE));
    assertEquals(NOW_S + 3600, num(payload, "iat"));
    assertFalse(payload.containsKey("nbf"));
  }

  @Test
  void wrongIssuerAndAudiences() throws Exception {
    String wrongIss = issuer.hostile(Hostile.WRONG_ISSUER);
    assertEquals(TestIssuer.WRONG_ISSUER, Jwts.payload(wrongIss).get("iss"));
    assertTrue(signedByPublishedKey(wrongIss));
    assertEquals("other-client", Jwts.payload(issuer.hostile(Hostile.WRONG_AUDIENCE)).get("aud"));
    Map<String, Object> extra = Jwts.payload(issuer.hostile(Hostile.EXTRA_AUDIENCE_WITHOUT_AZP));
    assertEquals(List.of("client-1", "other-client"), extra.get("aud"));
    assertFalse(extra.containsKey("azp"));
    assertFalse(Jwts.payload(issuer.hostile(Hostile.MISSING_SUBJECT)).containsKey("sub"));
  }

  @Test
  void algNoneUnsigned_hasEmptyThirdSegment() {
    String jws = issuer.hostile(Hostile.ALG_NONE_UNSIGNED);
    assertTrue(jws.endsWith("."));
    assertEquals("", Jwts.parts(jws)[2]);
    assertEquals("none", Jwts.header(jws).get("alg"));
  }

  @Test
  void algNoneWithSignature_hasNoneHeaderAndARealSignature() throws Exception {
    String jws = issuer.hostile(Hostile.ALG_NONE_WITH_SIGNATURE);
    assertEquals("none", Jwts.header(jws).get("alg"));
    TestKey key = issuer.signingKey();
    assertEquals(key.kid(), Jwts.header(jws).get("kid"));
    assertTrue(TokenBuilderTest.jdkVerify("RS256", key.publicKey(), jws));
  }

  @Test
  void hs256WithPublicKey_isHmacKeyedWithX509DerOfSigningKey() throws Exception {
    String jws = issuer.hostile(Hostile.HS256_WITH_PUBLIC_KEY);
    PublicKey publicKey = issuer.signingKey().publicKey();
    assertEquals("HS256", Jwts.header(jws).get("alg"));
    assertEquals(issuer.signingKey().kid(), Jwts.header(jws).get("kid"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicKey.getEncoded(), "HmacSHA256"));
    assertArrayEquals(mac.doFinal(Jwts.signingInput(jws)), Jwts.signature(jws));
  }

  @Test
  void embeddedJwk_signedByTheEmbeddedUnknownKey() throws Exception {
    String jws = issuer.hostile(Hostile.EMBEDDED_JWK);
    Map<String, Object> header = Jwts.header(jws);
    @SuppressWarnings("unchecked")
    Map<String, Object> jwk = (Map<String, Object>) header.get("jwk");
    PublicKey embedded = ((PublicJsonWebKey) JsonWebKey.Factory.newJwk(jwk)).getPublicKey();

    assertTrue(TokenBuilderTest.jdkVerify("RS256", embedded, jws));
    assertFalse(publishedKids().contains((String) header.get("kid")));
    assertEquals(header.get("kid"), jwk.get("kid"));
    for (TestKey published : issuer.publishedKeys()) {
      assertNotEquals(published.publicKey(), embedded);
    }
  }

  @Test
  void jkuHeader_pointsToAttackerWithUnknownKid() throws Exception {
    String jws = issuer.hostile(Hostile.JKU_HEADER);
    Map<String, Object> header = Jwts.header(jws);
    assertEquals("https://attacker.example/jwks", header.get("jku"));
    assertFalse(publishedKids().contains((String) header.get("kid")));
    assertFalse(signedByPublishedKey(jws));
  }

  @Test
  void unknownKid_notVerifiableByAnyPublishedKey() throws Exception {
    String jws = issuer.hostile(Hostile.UNKNOWN_KID);
    assertFalse(publishedKids().contains((String) Jwts.header(jws).get("kid")));
    assertEquals("RS256", Jwts.header(jws).get("alg"));
    for (TestKey key : issuer.publishedKeys()) {
      assertFalse(TokenBuilderTest.jdkVerify("RS256", key.publicKey(), jws));
    }
  }

  @Test
  void tamperedPayload_signatureNoLongerVerifies() throws Exception {
    String jws = issuer.hostile(Hostile.TAMPERED_PAYLOAD);
    assertEquals("admin", Jwts.payload(jws).get("sub"));
    assertFalse(signedByPublishedKey(jws));
    assertEquals(256, Jwts.signature(jws).length);
  }

  @Test
  void tamperedSignature_oneBitDiffersFromAValidSignature() throws Exception {
    String jws = issuer.hostile(Hostile.TAMPERED_SIGNATURE);
    assertFalse(signedByPublishedKey(jws));
    byte[] signature = Jwts.signature(jws);
    assertEquals(256, signature.length);
    signature[signature.length / 2] ^= 0x01;
    String[] parts = Jwts.parts(jws);
    String repaired =
        parts[0] + "." + parts[1] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    assertTrue(signedByPublishedKey(repaired));
  }

  @Test
  void truncatedSignature_isHalfLength() throws Exception {
    String jws = issuer.hostile(Hostile.TRUNCATED_SIGNATURE);
    assertEquals(128, Jwts.signature(jws).length);
  }

  @Test
  void zeroEcdsaSignature_is64ZeroBytesUnderPublishedP256Kid() {
    String jws = issuer.hostile(Hostile.ZERO_ECDSA_SIGNATURE);

    assertArrayEquals(new byte[64], Jwts.signature(jws));
    Map<String, Object> header = Jwts.header(jws);
    assertEquals("ES256", header.get("alg"));
    TestKey p256 =
        issuer.publishedKeys().stream()
            .filter(k -> k.kid().equals(header.get("kid")))
            .findFirst()
            .orElseThrow();
    assertEquals("P-256", p256.publicJwk().get("crv"));
    assertEquals("RS256", issuer.signingKey().defaultAlgorithm());
    // The P-256 key is added once, then reused.
    String again = issuer.hostile(Hostile.ZERO_ECDSA_SIGNATURE);
    assertEquals(header.get("kid"), Jwts.header(again).get("kid"));
    assertEquals(2, issuer.publishedKeys().size());
  }

  @Test
  void oversized_over64KiBAndValidlySigned() throws Exception {
    String jws = issuer.hostile(Hostile.OVERSIZED);
    assertTrue(jws.getBytes(StandardCharsets.US_ASCII).length > 64 * 1024);
    assertTrue(signedByPublishedKey(jws));
  }

  @Test
  void accessToken_hasAtJwtType() throws Exception {
    String jws = issuer.hostile(Hostile.ACCESS_TOKEN);
    assertEquals("at+jwt", Jwts.header(jws).get("typ"));
    assertTrue(signedByPublishedKey(jws));
  }

  @Test
  void hostile_ecSigningKey_attackerKeysHaveTheSameType() throws Exception {
    issuer.useSigningKey(TestKey.ec("P-256"));

    String jws = issuer.hostile(Hostile.UNKNOWN_KID);
    assertEquals("ES256", Jwts.header(jws).get("alg"));
    assertFalse(signedByPublishedKey(jws));
    String zero = issuer.hostile(Hostile.ZERO_ECDSA_SIGNATURE);
    assertEquals(issuer.signingKey().kid(), Jwts.header(zero).get("kid"));
  }
}
