package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idtoken.validator.KeySet.SkipReason;
import dev.idtoken.validator.KeySet.SkippedKey;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.JoseException;

/**
 * Turns JWK sets (RFC 7517) into {@link VerificationKey}s. jose4j builds the JCA keys; the checks it
 * does not make (exact coordinate lengths, the point on the curve, RSA strength, secrets in a public
 * set, ambiguous {@code kid}s) are made here, once per key set rather than once per token.
 */
final class Jwks {
  private static final Set<String> SECRET_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  private Jwks() {}

  static KeySet parseSet(String json) throws KeySetException {
    ObjectNode root = Json.parseObject(json);
    if (root == null) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "the JWK set is not a JSON object");
    }
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new KeySetException(KeySetException.Reason.MALFORMED, "the JWK set has no \"keys\" array");
    }
    if (keys.size() > KeySet.MAX_KEYS) {
      throw new KeySetException(KeySetException.Reason.TOO_MANY_KEYS,
          "the JWK set has more than " + KeySet.MAX_KEYS + " keys");
    }
    for (JsonNode key : keys) {
      if (key.isObject() && containsSecret((ObjectNode) key)) {
        throw new KeySetException(KeySetException.Reason.SECRET_KEY_MATERIAL,
            "the JWK set contains private or symmetric key material");
      }
    }
    List<VerificationKey> parsed = new ArrayList<>();
    List<SkippedKey> skipped = new ArrayList<>();
    for (JsonNode key : keys) {
      String kid = key.isObject() && key.path("kid").isTextual() ? key.get("kid").asText() : null;
      Object outcome = key.isObject() ? parseKey((ObjectNode) key) : SkipReason.INVALID_PARAMETERS;
      if (outcome instanceof VerificationKey) {
        parsed.add((VerificationKey) outcome);
      } else {
        skipped.add(new SkippedKey(kid, (SkipReason) outcome));
      }
    }
    return KeySet.build(dropAmbiguousKids(parsed, skipped), skipped);
  }

  private static boolean containsSecret(ObjectNode key) {
    if ("oct".equals(key.path("kty").asText(null))) {
      return true;
    }
    for (Iterator<String> names = key.fieldNames(); names.hasNext(); ) {
      if (SECRET_MEMBERS.contains(names.next())) {
        return true;
      }
    }
    return false;
  }

  // Two usable keys of one type under one kid make the kid ambiguous: which one a token meant cannot
  // be known, so neither is used (Wycheproof "DuplicateKid"); the rest of the set stays usable. Keys
  // of different types may share a kid (RFC 7517 §4.5): the token's alg picks the one that fits.
  private static List<VerificationKey> dropAmbiguousKids(List<VerificationKey> keys, List<SkippedKey> skipped) {
    Map<String, Integer> counts = new HashMap<>();
    for (VerificationKey key : keys) {
      if (key.kidOrNull() != null) {
        counts.merge(key.kidOrNull() + '\u0000' + key.keyType(), 1, Integer::sum);
      }
    }
    List<VerificationKey> kept = new ArrayList<>();
    for (VerificationKey key : keys) {
      String kid = key.kidOrNull();
      if (kid != null && counts.get(kid + '\u0000' + key.keyType()) > 1) {
        skipped.add(new SkippedKey(kid, SkipReason.DUPLICATE_KID));
      } else {
        kept.add(key);
      }
    }
    return kept;
  }

  /** A {@link VerificationKey}, or the {@link SkipReason} why the JWK cannot be one. */
  static Object parseKey(ObjectNode jwk) {
    JsonNode kidNode = jwk.get("kid");
    if (kidNode != null && !kidNode.isTextual()) {
      return SkipReason.INVALID_PARAMETERS;
    }
    JsonNode kty = jwk.get("kty");
    if (kty == null || !kty.isTextual()) {
      return SkipReason.INVALID_PARAMETERS;
    }
    String use = null;
    JsonNode useNode = jwk.get("use");
    if (useNode != null) {
      if (!useNode.isTextual() || !useNode.asText().equals("sig")) {
        return SkipReason.NOT_FOR_SIGNATURES;
      }
      use = "sig";
    }
    JsonNode ops = jwk.get("key_ops");
    if (ops != null && !allowsVerify(ops)) {
      return SkipReason.NOT_FOR_SIGNATURES;
    }
    JwsAlgorithm alg = null;
    JsonNode algNode = jwk.get("alg");
    if (algNode != null) {
      alg = algNode.isTextual() ? JwsAlgorithm.fromHeader(algNode.asText()) : null;
      if (alg == null || alg.isSymmetric()) {
        return SkipReason.UNSUPPORTED_ALGORITHM;
      }
    }
    String crv;
    switch (kty.asText()) {
      case "RSA": {
        crv = null;
        Object problem = checkRsaMembers(jwk);
        if (problem != null) {
          return problem;
        }
        break;
      }
      case "EC": {
        crv = jwk.path("crv").asText("");
        ECParameterSpec spec = Curves.byName(crv);
        if (spec == null) {
          return SkipReason.UNSUPPORTED_KEY_TYPE;
        }
        if (!hasExactLength(jwk, "x", Curves.coordinateLength(spec))
            || !hasExactLength(jwk, "y", Curves.coordinateLength(spec))) {
          return SkipReason.INVALID_PARAMETERS;
        }
        break;
      }
      case "OKP": {
        crv = jwk.path("crv").asText("");
        if (!crv.equals("Ed25519")) {
          return SkipReason.UNSUPPORTED_KEY_TYPE;
        }
        if (!hasExactLength(jwk, "x", 32)) {
          return SkipReason.INVALID_PARAMETERS;
        }
        break;
      }
      default:
        return SkipReason.UNSUPPORTED_KEY_TYPE;
    }
    PublicKey publicKey;
    String thumbprint;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> members = Json.MAPPER.convertValue(jwk, LinkedHashMap.class);
      JsonWebKey parsed = JsonWebKey.Factory.newJwk(members);
      if (!(parsed instanceof PublicJsonWebKey)) {
        return SkipReason.UNSUPPORTED_KEY_TYPE;
      }
      publicKey = ((PublicJsonWebKey) parsed).getPublicKey();
      thumbprint = parsed.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
    } catch (JoseException | RuntimeException e) {
      return SkipReason.INVALID_PARAMETERS;
    }
    if (publicKey instanceof ECPublicKey
        && !Curves.isOnCurve(((ECPublicKey) publicKey).getW(), Curves.byName(crv))) {
      return SkipReason.INVALID_PARAMETERS;
    }
    VerificationKey key = new VerificationKey(kidNode == null ? null : kidNode.asText(), publicKey,
        kty.asText(), crv, use, alg, thumbprint);
    if (alg != null && !key.fits(alg)) {
      return SkipReason.UNSUPPORTED_ALGORITHM;
    }
    return key;
  }

  private static Object checkRsaMembers(ObjectNode jwk) {
    JsonNode n = jwk.get("n");
    JsonNode e = jwk.get("e");
    if (n == null || e == null || !n.isTextual() || !e.isTextual()) {
      return SkipReason.INVALID_PARAMETERS;
    }
    byte[] modulus = Base64Url.decode(n.asText());
    byte[] exponent = Base64Url.decode(e.asText());
    if (modulus == null || exponent == null || modulus.length == 0 || exponent.length == 0) {
      return SkipReason.INVALID_PARAMETERS;
    }
    return WeakKeys.rsaProblem(new BigInteger(1, modulus), new BigInteger(1, exponent)) == null
        ? null : SkipReason.WEAK_KEY;
  }

  private static boolean hasExactLength(ObjectNode jwk, String member, int length) {
    JsonNode node = jwk.get(member);
    if (node == null || !node.isTextual()) {
      return false;
    }
    byte[] bytes = Base64Url.decode(node.asText());
    return bytes != null && bytes.length == length;
  }

  private static boolean allowsVerify(JsonNode ops) {
    if (!ops.isArray()) {
      return false;
    }
    for (JsonNode op : ops) {
      if (op.isTextual() && op.asText().equals("verify")) {
        return true;
      }
    }
    return false;
  }

  /** Wraps a JCA key, applying the same strength rules as for a JWK. */
  static VerificationKey fromPublicKey(String kid, PublicKey key) {
    String kty;
    String crv = null;
    if (key instanceof RSAPublicKey) {
      RSAPublicKey rsa = (RSAPublicKey) key;
      String problem = WeakKeys.rsaProblem(rsa.getModulus(), rsa.getPublicExponent());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      kty = "RSA";
    } else if (key instanceof ECPublicKey) {
      ECPublicKey ec = (ECPublicKey) key;
      crv = Curves.nameOf(ec.getParams());
      if (crv == null || !Curves.isOnCurve(ec.getW(), ec.getParams())) {
        throw new IllegalArgumentException("EC key must be a valid point on P-256, P-384 or P-521");
      }
      kty = "EC";
    } else if (key instanceof EdECPublicKey
        && ((EdECPublicKey) key).getParams().getName().equals("Ed25519")) {
      kty = "OKP";
      crv = "Ed25519";
    } else {
      throw new IllegalArgumentException("unsupported key type: " + key.getAlgorithm());
    }
    try {
      String thumbprint = PublicJsonWebKey.Factory.newPublicJwk(key)
          .calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
      return new VerificationKey(kid, key, kty, crv, null, null, thumbprint);
    } catch (JoseException e) {
      throw new IllegalArgumentException("unsupported key: " + key.getAlgorithm(), e);
    }
  }
}
