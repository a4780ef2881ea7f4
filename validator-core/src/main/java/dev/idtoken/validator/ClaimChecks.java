package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The claim checks of OpenID Connect Core 1.0 §3.1.3.7 steps 2-13 (plus §3.1.3.8, §3.3.2.11 and
 * FAPI's s_hash), run after the signature verified. Every failure is collected, so the caller sees all
 * that is wrong with a token at once. A protocol claim of the wrong JSON type is reported as malformed
 * and not checked further; nothing is coerced.
 */
final class ClaimChecks {
  // The claims the checks rely on: JWT's registered claims (RFC 7519 §4.1) and the ID token claims
  // (OpenID Connect Core §2, §3.3.2.11; FAPI's s_hash). Profile claims (§5.1) are not among them:
  // providers get their types wrong in the wild (Auth0's string updated_at), and refusing a login
  // over a display name would help no one, so VerifiedIdToken's typed accessors check those on read.
  private static final Set<String> STRING_CLAIMS = Set.of("iss", "sub", "azp", "nonce", "acr", "sid",
      "jti", "at_hash", "c_hash", "s_hash");
  private static final Set<String> DATE_CLAIMS = Set.of("exp", "iat", "nbf", "auth_time");
  // The JSON type each kept claim must have, by its index in Json.Claims.NAMES.
  private static final byte ANY = 0;
  private static final byte STRING = 1;
  private static final byte DATE = 2;
  private static final byte AUDIENCE = 3;
  private static final byte STRING_ARRAY = 4;
  private static final byte[] TYPES = types();
  private static final int MAX_SUBJECT_LENGTH = 255;
  /** The member of {@code events} that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
  static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

  private final String issuer;
  private final String clientId;
  private final Set<String> trustedAudiences; // null: any additional audience is accepted
  private final Duration skew;
  private final Duration maxTokenAge; // null: no limit

  ClaimChecks(String issuer, String clientId, Set<String> trustedAudiences, Duration skew,
      Duration maxTokenAge) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.trustedAudiences = trustedAudiences;
    this.skew = skew;
    this.maxTokenAge = maxTokenAge;
  }

  /** Checks the claims; returns the verified token, or adds to {@code errors} and returns null. */
  VerifiedIdToken check(Json.Claims claims, JwsVerifier.Verified jws, Expectations expected,
      Instant now, List<ValidationError> errors) {
    JwsAlgorithm alg = jws.algorithm;
    Set<String> malformed = checkTypes(claims, errors);

    String iss = checkIssuer(claims, malformed, errors);
    List<String> audiences = checkAudience(claims, malformed, errors);

    // Steps 4-5: with several audiences azp is required; when present it must be the client id.
    if (!malformed.contains("azp")) {
      JsonNode azp = claims.get("azp");
      if (azp == null) {
        if (audiences != null && audiences.size() > 1) {
          errors.add(ValidationError.of(ErrorCode.MISSING_CLAIM, "azp"));
        }
      } else if (!azp.textValue().equals(clientId)) {
        errors.add(ValidationError.of(ErrorCode.AZP_MISMATCH, "azp"));
      }
    }

    PerCallClaims perCall = PerCallClaims.of(claims, malformed);
    checkPerCall(perCall, malformed, alg, expected, now, errors);

    // §2: sub is required, at most 255 ASCII characters.
    String sub = string(claims, "sub", malformed, errors);
    if (sub == null) {
      addMissing("sub", malformed, errors);
    } else if (!isValidSubject(sub)) {
      errors.add(ValidationError.of(ErrorCode.MALFORMED_CLAIM, "sub"));
    }

    if (!errors.isEmpty()) {
      return null;
    }
    return new VerifiedIdToken(claims, iss, sub, audiences, perCall,
        new VerifiedIdToken.JoseHeader(alg, jws.kid, jws.typ));
  }

  /**
   * The claim checks of OpenID Connect Back-Channel Logout 1.0 §2.6 steps 3-6, run after the
   * signature verified: {@code iss}, {@code aud}, {@code iat} and {@code exp} as for an ID token,
   * {@code sub} and/or {@code sid}, the logout event, no {@code nonce}; and {@code jti}, which §2.4
   * requires. Returns the verified token, or adds to {@code errors} and returns null.
   */
  VerifiedLogoutToken checkLogout(Json.Claims claims, JwsAlgorithm alg, Instant now,
      List<ValidationError> errors) {
    Set<String> malformed = checkTypes(claims, errors);

    // Step 3: iss, aud, iat and exp exactly as in an ID token (Core §3.1.3.7 steps 2, 3, 9, 10).
    String iss = checkIssuer(claims, malformed, errors);
    List<String> audiences = checkAudience(claims, malformed, errors);
    PerCallClaims perCall = PerCallClaims.of(claims, malformed);
    checkPerCall(perCall, malformed, alg, Expectations.none(), now, errors);

    // Step 4: a sub, a sid, or both.
    String sub = string(claims, "sub", malformed, errors);
    String sid = string(claims, "sid", malformed, errors);
    if (sub != null && !isValidSubject(sub)) {
      errors.add(ValidationError.of(ErrorCode.MALFORMED_CLAIM, "sub"));
    } else if (sub == null && sid == null && !malformed.contains("sub") && !malformed.contains("sid")) {
      errors.add(ValidationError.of(ErrorCode.MISSING_CLAIM, "sub"));
    }

    // Step 5: events names the back-channel logout event, whose value is a JSON object.
    JsonNode events = claims.get("events");
    JsonNode event = events == null || !events.isObject() ? null : events.get(BACKCHANNEL_LOGOUT_EVENT);
    if (event == null || !event.isObject()) {
      errors.add(ValidationError.of(ErrorCode.NOT_A_LOGOUT_TOKEN, "events"));
    }

    // Step 6: a nonce makes it an ID token (or a forgery built from one), never a logout token.
    if (claims.get("nonce") != null) {
      errors.add(ValidationError.of(ErrorCode.NOT_A_LOGOUT_TOKEN, "nonce"));
    }

    // §2.4: jti is required; remembering it against replay is the caller's (§2.6 step 7 "MAY").
    String jti = string(claims, "jti", malformed, errors);
    if (jti == null) {
      addMissing("jti", malformed, errors);
    }

    if (!errors.isEmpty()) {
      return null;
    }
    return new VerifiedLogoutToken(iss, audiences, sub, sid, jti, perCall.iat, perCall.exp);
  }

  // Core §3.1.3.7 step 2: the issuer must match exactly; no case folding, no trailing-slash
  // normalisation. Returns the issuer, or null when missing or malformed.
  private String checkIssuer(Json.Claims claims, Set<String> malformed, List<ValidationError> errors) {
    String iss = string(claims, "iss", malformed, errors);
    if (iss == null) {
      addMissing("iss", malformed, errors);
    } else if (!iss.equals(issuer)) {
      errors.add(ValidationError.of(ErrorCode.ISSUER_MISMATCH, "iss"));
    }
    return iss;
  }

  // Core §3.1.3.7 step 3: the client must be an audience, and every other audience trusted.
  // Returns the audiences, or null when missing or malformed.
  private List<String> checkAudience(Json.Claims claims, Set<String> malformed,
      List<ValidationError> errors) {
    List<String> audiences = audiences(claims, malformed, errors);
    if (audiences != null) {
      if (!audiences.contains(clientId)) {
        errors.add(ValidationError.of(ErrorCode.AUDIENCE_MISMATCH, "aud"));
      } else if (trustedAudiences != null) {
        for (String aud : audiences) {
          if (!aud.equals(clientId) && !trustedAudiences.contains(aud)) {
            errors.add(ValidationError.of(ErrorCode.UNTRUSTED_AUDIENCE, "aud"));
            break;
          }
        }
      }
    }
    return audiences;
  }

  /**
   * Steps 9-13 and the hash claims: everything that depends on the clock or on the request's
   * expectations. A verified-token cache hit runs exactly these again (with no malformed claims,
   * since only valid tokens are cached), so a hit reports what a cold validation would.
   */
  void checkPerCall(PerCallClaims c, Set<String> malformed, JwsAlgorithm alg, Expectations expected,
      Instant now, List<ValidationError> errors) {
    // Step 9: exp is required, and the token is expired from exp + skew on.
    if (c.exp == null) {
      addMissing("exp", malformed, errors);
    } else if (compareShifted(c.exp, skew, now) <= 0) {
      errors.add(ValidationError.of(ErrorCode.EXPIRED, "exp"));
    }
    if (c.nbf != null && compareShifted(now, skew, c.nbf) < 0) {
      errors.add(ValidationError.of(ErrorCode.NOT_YET_VALID, "nbf"));
    }

    // Step 10: iat is required and not in the future; optionally not older than the maximum age.
    if (c.iat == null) {
      addMissing("iat", malformed, errors);
    } else if (compareShifted(now, skew, c.iat) < 0) {
      errors.add(ValidationError.of(ErrorCode.ISSUED_IN_FUTURE, "iat"));
    } else if (maxTokenAge != null && compareShifted(c.iat.plus(maxTokenAge), skew, now) < 0) {
      errors.add(ValidationError.of(ErrorCode.TOKEN_TOO_OLD, "iat"));
    }

    // Step 11: the nonce must be the one this request sent.
    if (expected.nonce != null) {
      if (c.nonce == null) {
        addMissing("nonce", malformed, errors);
      } else if (!constantTimeEquals(c.nonce, expected.nonce)) {
        errors.add(ValidationError.of(ErrorCode.NONCE_MISMATCH, "nonce"));
      }
    }

    // Step 12: the acr must be one the request accepts.
    if (expected.acceptedAcrValues != null) {
      if (c.acr == null) {
        addMissing("acr", malformed, errors);
      } else if (!expected.acceptedAcrValues.contains(c.acr)) {
        errors.add(ValidationError.of(ErrorCode.ACR_NOT_ACCEPTED, "acr"));
      }
    }

    // Step 13: with max_age, auth_time is required and must be recent enough.
    if (expected.maxAge != null) {
      if (c.authTime == null) {
        addMissing("auth_time", malformed, errors);
      } else if (compareShifted(c.authTime.plus(expected.maxAge), skew, now) < 0) {
        errors.add(ValidationError.of(ErrorCode.AUTHENTICATION_TOO_OLD, "auth_time"));
      }
    }

    // §3.1.3.8, §3.3.2.11, FAPI 1.0 Part 2 §5.1: the hash claims bind what the caller received.
    checkHash(c.atHash, "at_hash", expected.accessToken, alg, ErrorCode.AT_HASH_MISMATCH, malformed, errors);
    checkHash(c.cHash, "c_hash", expected.authorizationCode, alg, ErrorCode.C_HASH_MISMATCH, malformed, errors);
    checkHash(c.sHash, "s_hash", expected.state, alg, ErrorCode.S_HASH_MISMATCH, malformed, errors);
  }

  /** The sign of {@code (a + d) - b}, without allocating (this runs for every token and every hit). */
  static int compareShifted(Instant a, Duration d, Instant b) {
    long seconds = a.getEpochSecond() + d.getSeconds();
    long nanos = (long) a.getNano() + d.getNano();
    if (nanos >= 1_000_000_000L) {
      seconds++;
      nanos -= 1_000_000_000L;
    }
    int c = Long.compare(seconds, b.getEpochSecond());
    return c != 0 ? c : Long.compare(nanos, b.getNano());
  }

  private static byte[] types() {
    byte[] types = new byte[Json.Claims.NAMES.length];
    for (int i = 0; i < types.length; i++) {
      String name = Json.Claims.NAMES[i];
      types[i] = STRING_CLAIMS.contains(name) ? STRING
          : DATE_CLAIMS.contains(name) ? DATE
          : name.equals("aud") ? AUDIENCE
          : name.equals("amr") ? STRING_ARRAY
          : ANY;
    }
    return types;
  }

  /** Reports every known claim whose JSON type is wrong, in payload order; returns their names. */
  private static Set<String> checkTypes(Json.Claims claims, List<ValidationError> errors) {
    Set<String> malformed = null;
    for (int i = 0; i < claims.size(); i++) {
      JsonNode value = claims.value(i);
      boolean ok;
      switch (TYPES[claims.indexAt(i)]) {
        case STRING:
          ok = value.isTextual();
          break;
        case DATE:
          ok = NumericDate.isValid(value); // PerCallClaims makes the instant once
          break;
        case AUDIENCE:
          ok = isAudience(value);
          break;
        case STRING_ARRAY:
          ok = isStringArray(value, false);
          break;
        default:
          ok = true;
      }
      if (!ok) {
        String name = claims.name(i);
        if (malformed == null) {
          malformed = new HashSet<>();
        }
        malformed.add(name);
        errors.add(ValidationError.of(ErrorCode.MALFORMED_CLAIM, name));
      }
    }
    return malformed == null ? Set.of() : malformed;
  }

  private static boolean isAudience(JsonNode value) {
    return (value.isTextual() && !value.textValue().isEmpty()) || isStringArray(value, true);
  }

  private static boolean isStringArray(JsonNode value, boolean nonEmpty) {
    if (!value.isArray() || (nonEmpty && value.isEmpty())) {
      return false;
    }
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static String string(Json.Claims claims, String name, Set<String> malformed,
      List<ValidationError> errors) {
    JsonNode node = claims.get(name);
    return node == null || malformed.contains(name) ? null : node.textValue();
  }

  private static void addMissing(String name, Set<String> malformed, List<ValidationError> errors) {
    if (!malformed.contains(name)) {
      errors.add(ValidationError.of(ErrorCode.MISSING_CLAIM, name));
    }
  }

  private static List<String> audiences(Json.Claims claims, Set<String> malformed,
      List<ValidationError> errors) {
    JsonNode aud = claims.get("aud");
    if (aud == null) {
      errors.add(ValidationError.of(ErrorCode.MISSING_CLAIM, "aud"));
      return null;
    }
    if (malformed.contains("aud")) {
      return null;
    }
    if (aud.isTextual()) {
      return List.of(aud.textValue());
    }
    List<String> list = new ArrayList<>(aud.size());
    aud.forEach(a -> list.add(a.textValue()));
    return List.copyOf(list);
  }

  private static void checkHash(String claim, String name, String value, JwsAlgorithm alg,
      ErrorCode mismatch, Set<String> malformed, List<ValidationError> errors) {
    if (value == null) {
      return;
    }
    if (claim == null) {
      addMissing(name, malformed, errors);
    } else if (!constantTimeEquals(claim, halfHash(alg, value))) {
      errors.add(ValidationError.of(mismatch, name));
    }
  }

  /**
   * base64url of the left half of the hash of the value's ASCII bytes, the hash being the one of the
   * JWS algorithm (SHA-512 for EdDSA with Ed25519), per OpenID Connect Core §3.1.3.6.
   */
  static String halfHash(JwsAlgorithm alg, String value) {
    try {
      byte[] digest = MessageDigest.getInstance(alg.hashAlgorithm())
          .digest(value.getBytes(StandardCharsets.UTF_8)); // = ASCII for the spec's values; no '?' collisions
      return Base64Url.encode(Arrays.copyOf(digest, digest.length / 2));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + alg.hashAlgorithm(), e);
    }
  }

  private static boolean isValidSubject(String sub) {
    if (sub.isEmpty() || sub.length() > MAX_SUBJECT_LENGTH) {
      return false;
    }
    for (int i = 0; i < sub.length(); i++) {
      char c = sub.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  // Time independent of where the strings differ. Compares the UTF-16 code units, so two strings are
  // equal only if they are the same string (UTF-8 bytes would also match "?" with a lone surrogate).
  private static boolean constantTimeEquals(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < a.length(); i++) {
      diff |= a.charAt(i) ^ b.charAt(i);
    }
    return diff == 0;
  }
}
