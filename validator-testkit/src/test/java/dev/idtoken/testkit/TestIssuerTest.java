package dev.idtoken.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jose4j.jwk.JsonWebKeySet;
import org.junit.jupiter.api.Test;

class TestIssuerTest {

  @Test
  void create_hasOneRsaKeyPublishedAndSigning() {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");

    assertEquals("https://i.example", issuer.issuer());
    assertEquals("c", issuer.clientId());
    assertEquals(List.of(issuer.signingKey()), issuer.publishedKeys());
    assertEquals("RS256", issuer.signingKey().defaultAlgorithm());
    assertEquals(ZoneOffset.UTC, issuer.clock().getZone());
    assertThrows(NullPointerException.class, () -> TestIssuer.create(null, "c"));
  }

  @Test
  void jwksJson_listsPublishedKeysAndParsesWithJose4j() throws Exception {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");
    TestKey ec = TestKey.ec("P-384");
    issuer.addKey(ec);

    JsonWebKeySet set = new JsonWebKeySet(issuer.jwksJson());

    assertEquals(
        List.of(issuer.signingKey().kid(), ec.kid()),
        set.getJsonWebKeys().stream().map(k -> k.getKeyId()).collect(Collectors.toList()));
    assertEquals(List.of(issuer.signingKey().publicJwk(), ec.publicJwk()), Jwts.json(issuer.jwksJson()).get("keys"));
  }

  @Test
  void rotate_publishesNewSigningKeyAndKeepsOld() {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");
    TestKey old = issuer.signingKey();

    TestKey rotated = issuer.rotate();

    assertSame(rotated, issuer.signingKey());
    assertEquals(List.of(old, rotated), issuer.publishedKeys());
    assertNotEquals(old.kid(), rotated.kid());
    assertFalse(rotated.sameKeyMaterial(old));
    assertEquals(rotated.kid(), Jwts.header(issuer.token().sign()).get("kid"));
    for (int i = 0; i < TestKey.POOL_SIZE + 1; i++) {
      TestKey next = issuer.rotate();
      for (TestKey published : issuer.publishedKeys()) {
        assertTrue(published == next || !published.sameKeyMaterial(next));
      }
    }
  }

  @Test
  void rotate_keepsTypeAndJwkSettings() {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");
    issuer.useSigningKey(TestKey.ec("P-521").withJwkAlgorithm("ES512"));

    TestKey rotated = issuer.rotate();

    assertEquals("P-521", rotated.publicJwk().get("crv"));
    assertEquals("ES512", rotated.publicJwk().get("alg"));
  }

  @Test
  void useSigningKeyAndRemoveKey_changePublicationAndSigning() {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");
    TestKey first = issuer.signingKey();
    TestKey ed = TestKey.ed25519();

    issuer.useSigningKey(ed).useSigningKey(ed);
    assertEquals(List.of(first, ed), issuer.publishedKeys());
    assertEquals("EdDSA", Jwts.header(issuer.token().sign()).get("alg"));

    issuer.removeKey(first.kid());
    assertEquals(List.of(ed), issuer.publishedKeys());

    issuer.removeKey(ed.kid());
    assertEquals(List.of(), issuer.publishedKeys());
    assertSame(ed, issuer.signingKey());
    assertEquals("{\"keys\":[]}", issuer.jwksJson());
  }

  @Test
  void withClock_sharesKeysAndMintsRelativeToClock() {
    TestIssuer issuer = TestIssuer.create("https://i.example", "c");
    Instant then = Instant.parse("2001-02-03T04:05:06Z");
    TestIssuer past = issuer.withClock(Clock.fixed(then, ZoneOffset.UTC));

    TestKey rotated = past.rotate();

    assertSame(rotated, issuer.signingKey());
    Map<String, Object> payload = Jwts.payload(past.token().sign());
    assertEquals(then.getEpochSecond(), ((Number) payload.get("iat")).longValue());
    assertNotEquals(issuer.clock(), past.clock());
  }
}
