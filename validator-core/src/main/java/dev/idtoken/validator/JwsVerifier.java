package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The layer beneath the claim checks: a compact JWS is parsed strictly, its header checked, a key
 * chosen by configuration and verified, and only then is the payload handed back. Steps 1-2 and 6 of
 * OpenID Connect Core 1.0 §3.1.3.7 plus RFC 7515 §5.2 and RFC 8725 §3.1.
 */
final class JwsVerifier {
  /** With no {@code kid}, at most this many fitting keys are tried, so no token costs more. */
  static final int MAX_KEYS_TRIED = 3;
  /**
   * Longest {@code kid} accepted. Real ones are thumbprints or short names; a longer one is an
   * attack on whatever remembers key ids (a negative cache), so it is refused before any lookup.
   */
  static final int MAX_KID_LENGTH = 256;

  private final Set<JwsAlgorithm> allowed;
  private final KeySource keySource;
  private final byte[] hmacSecret;
  private final TypeRule typeRule;
  private final Signatures signatures;

  /** Which header {@code typ} values a validator accepts (RFC 7515 §4.1.9, RFC 8725 §3.11). */
  enum TypeRule {
    /** An ID token: {@code typ} absent or {@code JWT}. */
    ID_TOKEN,
    /** Any {@code typ} except a logout token's ({@code acceptAnyTokenType}). */
    ANY_BUT_LOGOUT,
    /** A logout token: {@code typ} absent, {@code JWT} or {@code logout+jwt}. */
    LOGOUT_TOKEN
  }

  JwsVerifier(Set<JwsAlgorithm> allowed, KeySource keySource, byte[] hmacSecret, TypeRule typeRule,
      Signatures signatures) {
    this.allowed = allowed;
    this.keySource = keySource;
    this.hmacSecret = hmacSecret;
    this.typeRule = typeRule;
    this.signatures = signatures;
  }

  /** A JWS whose signature verified. */
  static final class Verified {
    final JwsAlgorithm algorithm;
    final String kid; // null when the header has none
    final String typ; // null when the header has none (or it is not a string)
    final byte[] payload;
    final VerificationKey key; // null for HMAC

    Verified(JwsAlgorithm algorithm, String kid, String typ, byte[] payload, VerificationKey key) {
      this.algorithm = algorithm;
      this.kid = kid;
      this.typ = typ;
      this.payload = payload;
      this.key = key;
    }
  }

  Verified verify(String token) throws Rejection {
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN);
    }
    int thirdDot = token.indexOf('.', secondDot + 1);
    if (thirdDot >= 0) {
      // Five segments is a JWE (RFC 7516 §7.1); anything else is no JOSE object at all.
      int dots = 3;
      for (int i = thirdDot + 1; i < token.length(); i++) {
        if (token.charAt(i) == '.') {
          dots++;
        }
      }
      throw Rejection.invalid(dots == 4 ? ErrorCode.ENCRYPTED_TOKEN : ErrorCode.MALFORMED_TOKEN);
    }
    // One byte per character: the signing input as it is signed (RFC 7515 §5.2 step 8), and what the
    // segments are decoded from, in a borrowed buffer. A character above U+00FF (a surrogate half
    // included) is refused here; one in U+0080..U+00FF becomes a negative byte, which no segment may
    // hold.
    TokenBytes buffer = TokenBytes.take();
    try {
      byte[] bytes = buffer.of(token);
      if (bytes == null) {
        throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN);
      }
      return verify(bytes, token.length(), firstDot, secondDot);
    } finally {
      buffer.release();
    }
  }

  // The token is bytes[0, end); nothing may keep a reference to bytes.
  private Verified verify(byte[] bytes, int end, int firstDot, int secondDot) throws Rejection {
    byte[] headerBytes = Base64Url.decode(bytes, 0, firstDot);
    Json.Header header = headerBytes == null ? null : Json.parseHeader(headerBytes);
    if (header == null) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "header");
    }
    JwsAlgorithm alg = checkHeader(header);
    byte[] payload = Base64Url.decode(bytes, firstDot + 1, secondDot);
    if (payload == null) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "payload");
    }
    byte[] signature = Base64Url.decode(bytes, secondDot + 1, end);
    if (signature == null) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "signature");
    }
    String kid = header.kid == null ? null : header.kid.textValue();
    VerificationKey used = verifySignature(alg, kid, bytes, secondDot, signature);
    String typ = header.typ != null && header.typ.isTextual() ? header.typ.textValue() : null;
    return new Verified(alg, kid, typ, payload, used);
  }

  /**
   * Whether a cold validation of a token with this {@code kid} and {@code alg} would still select
   * {@code verifiedWith}: it must be among the first {@link #MAX_KEYS_TRIED} fitting candidates the
   * key source returns now, exactly as {@link #verifySignature} walks them. Costs one key source
   * lookup (a map read for {@link KeySet}) and, when the source returns a new but equal key object,
   * one comparison of the encoded keys. A failing key source answers false, so the caller falls back
   * to a cold validation that reports the outage.
   */
  boolean stillSelects(String kid, JwsAlgorithm alg, VerificationKey verifiedWith) {
    List<VerificationKey> candidates;
    try {
      candidates = keySource.keys(kid, alg);
    } catch (KeySourceException | RuntimeException e) {
      return false;
    }
    if (candidates == null) {
      return false;
    }
    int tried = 0;
    try {
      for (VerificationKey key : candidates) {
        if ((kid != null && !kid.equals(key.kidOrNull())) || !key.fits(alg)) {
          continue;
        }
        if (key == verifiedWith || key.equals(verifiedWith)) {
          return true;
        }
        if (++tried == MAX_KEYS_TRIED) {
          break;
        }
      }
    } catch (RuntimeException e) {
      return false; // a broken key source: the cold path reports the outage
    }
    return false;
  }

  private JwsAlgorithm checkHeader(Json.Header header) throws Rejection {
    JsonNode algNode = header.alg;
    JwsAlgorithm alg = algNode != null && algNode.isTextual() ? JwsAlgorithm.fromHeader(algNode.textValue()) : null;
    if (alg == null || !allowed.contains(alg)) {
      throw Rejection.invalid(ErrorCode.ALGORITHM_NOT_ALLOWED, "alg");
    }
    // RFC 7515 §4.1.11: an extension named in crit must be understood, and we understand none.
    if (header.crit != null) {
      throw Rejection.invalid(ErrorCode.UNSUPPORTED_CRITICAL_HEADER, "crit");
    }
    JsonNode kid = header.kid;
    if (kid != null && (!kid.isTextual() || kid.textValue().length() > MAX_KID_LENGTH)) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "kid");
    }
    if (header.typ != null) {
      checkType(header.typ);
    }
    // jku, x5u, jwk and x5c are deliberately never read: keys come from configuration only.
    return alg;
  }

  // Media types compare case-insensitively and may omit "application/" (RFC 7515 §4.1.9): "JWT" is
  // RFC 7519 §5.1's, "logout+jwt" Back-Channel Logout 1.0 §2.4's. A logout token must never pass
  // for an ID token, even where any other type is tolerated.
  private void checkType(JsonNode typ) throws Rejection {
    String value = typ.isTextual() ? typ.textValue().toLowerCase(Locale.ROOT) : "";
    if (value.startsWith("application/")) {
      value = value.substring("application/".length());
    }
    boolean jwt = value.equals("jwt");
    boolean logout = value.equals("logout+jwt");
    switch (typeRule) {
      case ID_TOKEN:
        if (logout) {
          throw Rejection.invalid(ErrorCode.LOGOUT_TOKEN, "typ");
        }
        if (!jwt) {
          throw Rejection.invalid(ErrorCode.WRONG_TOKEN_TYPE, "typ");
        }
        break;
      case ANY_BUT_LOGOUT:
        if (logout) {
          throw Rejection.invalid(ErrorCode.LOGOUT_TOKEN, "typ");
        }
        break;
      default: // LOGOUT_TOKEN
        if (!jwt && !logout) {
          throw Rejection.invalid(ErrorCode.WRONG_TOKEN_TYPE, "typ");
        }
    }
  }

  // The signing input is token[0, inputEnd): the header and payload segments with their dot.
  private VerificationKey verifySignature(JwsAlgorithm alg, String kid, byte[] token,
      int inputEnd, byte[] signature) throws Rejection {
    if (alg.isSymmetric()) {
      // OpenID Connect Core §10.1: the HMAC key is the client secret, never bytes from a key source.
      if (!Signatures.verifyHmac(alg, hmacSecret, token, inputEnd, signature)) {
        throw Rejection.invalid(ErrorCode.SIGNATURE_INVALID);
      }
      return null;
    }
    List<VerificationKey> candidates;
    try {
      candidates = keySource.keys(kid, alg);
    } catch (KeySourceException e) {
      throw Rejection.unavailable(e);
    } catch (RuntimeException e) {
      // A broken key source is neither a bad token nor a passing outage: the caller answers 500.
      throw Rejection.failed();
    }
    if (candidates == null) {
      // KeySource promises a list; null is a defective source, and a 401 would blame the token.
      throw Rejection.failed();
    }
    int tried = 0;
    try {
      for (VerificationKey key : candidates) {
        if ((kid != null && !kid.equals(key.kidOrNull())) || !key.fits(alg)) {
          continue;
        }
        if (signatures.verify(alg, key, token, inputEnd, signature)) {
          return key;
        }
        if (++tried == MAX_KEYS_TRIED) {
          break;
        }
      }
    } catch (RuntimeException e) {
      // A null element, a list changing under us or a JCA provider that throws: a defect on our
      // side, not the token's fault.
      throw Rejection.failed();
    }
    throw Rejection.invalid(tried == 0 ? ErrorCode.KEY_NOT_FOUND : ErrorCode.SIGNATURE_INVALID);
  }
}
