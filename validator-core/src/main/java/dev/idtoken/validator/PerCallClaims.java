package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * The claims that OpenID Connect Core 1.0 §3.1.3.7 steps 9-13 and the hash claims compare with the
 * clock or with the request's expectations, read once from the payload. Each field is null when the
 * claim is absent or malformed. Immutable.
 */
final class PerCallClaims {
  final Instant exp;
  final Instant nbf;
  final Instant iat;
  final Instant authTime;
  final String nonce;
  final String acr;
  final String atHash;
  final String cHash;
  final String sHash;

  private PerCallClaims(Json.Claims claims, Set<String> malformed) {
    exp = date(claims, "exp", malformed);
    nbf = date(claims, "nbf", malformed);
    iat = date(claims, "iat", malformed);
    authTime = date(claims, "auth_time", malformed);
    nonce = string(claims, "nonce", malformed);
    acr = string(claims, "acr", malformed);
    atHash = string(claims, "at_hash", malformed);
    cHash = string(claims, "c_hash", malformed);
    sHash = string(claims, "s_hash", malformed);
  }

  /** Reads the claims; those named in {@code malformed} read as null. */
  static PerCallClaims of(Json.Claims claims, Set<String> malformed) {
    return new PerCallClaims(claims, malformed);
  }

  private static Instant date(Json.Claims claims, String name, Set<String> malformed) {
    JsonNode node = claims.get(name);
    return node == null || malformed.contains(name) ? null : NumericDate.toInstant(node);
  }

  private static String string(Json.Claims claims, String name, Set<String> malformed) {
    JsonNode node = claims.get(name);
    return node == null || malformed.contains(name) ? null : node.textValue();
  }
}
