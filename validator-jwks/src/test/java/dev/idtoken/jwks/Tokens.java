package dev.idtoken.jwks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * Keys and ID tokens for the tests, made with jose4j (a dependency of validator-core). To be replaced
 * by the test kit's TestIssuer once it is merged.
 */
final class Tokens {
  static final String CLIENT_ID = "client-1";
  static final RsaJsonWebKey A = key("key-a");
  static final RsaJsonWebKey B = key("key-b");
  static final RsaJsonWebKey C = key("key-c");

  private Tokens() {}

  static RsaJsonWebKey key(String kid) {
    try {
      RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
      key.setKeyId(kid);
      key.setUse("sig");
      key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
      return key;
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public JWKS document of these keys. */
  static String jwks(RsaJsonWebKey... keys) {
    return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  /** A valid ID token from {@code issuer}, signed with {@code key}. */
  static String token(RsaJsonWebKey key, String issuer) {
    try {
      JwtClaims claims = new JwtClaims();
      claims.setIssuer(issuer);
      claims.setAudience(CLIENT_ID);
      claims.setSubject("alice");
      claims.setIssuedAtToNow();
      claims.setExpirationTimeMinutesInTheFuture(10);
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key.getPrivateKey());
      jws.setKeyIdHeaderValue(key.getKeyId());
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      jws.setHeader("typ", "JWT");
      return jws.getCompactSerialization();
    } catch (JoseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A well-formed token naming {@code kid} with a junk signature: what a flood looks like. */
  static String forged(String kid, String issuer) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long now = System.currentTimeMillis() / 1000;
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
    String payload = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + CLIENT_ID + "\",\"sub\":\"mallory\",\"iat\":"
        + now + ",\"exp\":" + (now + 600) + "}";
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new byte[256]);
  }
}
