package dev.idtoken.testkit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds one signed ID token (compact JWS), pre-filled so that it is valid; a test overrides just
 * what it is about.
 *
 * <p>Not thread-safe: use one builder per token. {@link #sign()} may be called more than once.
 *
 * <p>Defaults (from {@link TestIssuer#token()}): claims {@code iss}, {@code sub "user-1234"},
 * {@code aud} the client id as a single string, {@code exp} now + 5 minutes, {@code iat} now,
 * {@code auth_time} now - 1 minute; header {@code alg} the signing key's {@link
 * TestKey#defaultAlgorithm()}, {@code kid} the key's kid (left out if it has none), {@code typ
 * "JWT"}.
 *
 * <p>The typed claim setters remove the claim when given {@code null}; {@link #claim(String,
 * Object)} with {@code null} writes a JSON {@code null}. {@link #header(String, Object)} writes the
 * header verbatim: {@code header("alg", "none")} changes what the header says but not how the token
 * is signed, which is how hostile tokens are made; use {@link #algorithm(String)} to change both.
 */
public final class TokenBuilder {

  /** The {@code sub} of tokens from {@link TestIssuer#token()}. */
  public static final String DEFAULT_SUBJECT = "user-1234";

  /** The lifetime of tokens from {@link TestIssuer#token()}. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  /** The {@code sid} of a logout token from {@link TestIssuer#logoutToken()}. */
  public static final String DEFAULT_SESSION_ID = "session-5678";

  /** The {@code events} member that makes a JWT a back-channel logout token. */
  public static final String BACKCHANNEL_LOGOUT_EVENT =
      "http://schemas.openid.net/event/backchannel-logout";

  private static final Set<String> ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
          "EdDSA", "HS256", "HS384", "HS512", "none");

  private static final Object REMOVED = new Object();

  private final Map<String, Object> claims = new LinkedHashMap<>();
  private final Map<String, Object> headerOverrides = new LinkedHashMap<>();
  private TestKey key;
  private String algorithm;
  private byte[] hmacSecret;

  TokenBuilder(String issuer, String clientId, Instant now, TestKey key) {
    this.key = key;
    claims.put("iss", issuer);
    claims.put("sub", DEFAULT_SUBJECT);
    claims.put("aud", clientId);
    claims.put("exp", now.plus(DEFAULT_LIFETIME).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("auth_time", now.minus(Duration.ofMinutes(1)).getEpochSecond());
  }

  /**
   * A valid back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): {@code iss},
   * {@code sub}, {@code aud}, {@code iat}, {@code exp} two minutes on, a random {@code jti}, a {@code
   * sid}, the logout event, and the header {@code typ} {@code logout+jwt}.
   */
  static TokenBuilder logout(String issuer, String clientId, Instant now, TestKey key) {
    TokenBuilder b = new TokenBuilder(issuer, clientId, now, key);
    b.claims.remove("auth_time");
    b.claims.put("exp", now.plus(Duration.ofMinutes(2)).getEpochSecond());
    b.claims.put("jti", UUID.randomUUID().toString());
    b.claims.put("sid", DEFAULT_SESSION_ID);
    b.claims.put("events", Map.of(BACKCHANNEL_LOGOUT_EVENT, Map.of()));
    b.headerOverrides.put("typ", "logout+jwt");
    return b;
  }

  /** Sets {@code iss}. */
  public TokenBuilder issuer(String iss) {
    return typed("iss", iss);
  }

  /** Sets {@code sub}. */
  public TokenBuilder subject(String sub) {
    return typed("sub", sub);
  }

  /**
   * Sets {@code aud}: one value as a JSON string, none or several as an array; {@code null}
   * removes it.
   */
  public TokenBuilder audience(String... aud) {
    if (aud == null) {
      claims.remove("aud");
    } else if (aud.length == 1) {
      claims.put("aud", aud[0]);
    } else {
      claims.put("aud", new ArrayList<>(Arrays.asList(aud)));
    }
    return this;
  }

  /** Sets {@code azp}. */
  public TokenBuilder authorizedParty(String azp) {
    return typed("azp", azp);
  }

  /** Sets {@code iat} (whole seconds, truncated). */
  public TokenBuilder issuedAt(Instant iat) {
    return typed("iat", seconds(iat));
  }

  /** Sets {@code exp} (whole seconds, truncated). */
  public TokenBuilder expiresAt(Instant exp) {
    return typed("exp", seconds(exp));
  }

  /** Sets {@code nbf} (whole seconds, truncated); absent by default. */
  public TokenBuilder notBefore(Instant nbf) {
    return typed("nbf", seconds(nbf));
  }

  /** Sets {@code auth_time} (whole seconds, truncated). */
  public TokenBuilder authTime(Instant authTime) {
    return typed("auth_time", seconds(authTime));
  }

  /** Sets {@code nonce}; absent by default. */
  public TokenBuilder nonce(String nonce) {
    return typed("nonce", nonce);
  }

  /**
   * Sets any claim to a JSON-mappable value (String, Number, Boolean, List, Map or {@code null},
   * which is written as JSON {@code null}).
   */
  public TokenBuilder claim(String name, Object value) {
    claims.put(Objects.requireNonNull(name, "name"), value);
    return this;
  }

  public TokenBuilder removeClaim(String name) {
    claims.remove(Objects.requireNonNull(name, "name"));
    return this;
  }

  /** Writes a header parameter verbatim (see the class comment for {@code alg}). */
  public TokenBuilder header(String name, Object value) {
    headerOverrides.put(Objects.requireNonNull(name, "name"), value);
    return this;
  }

  public TokenBuilder removeHeader(String name) {
    headerOverrides.put(Objects.requireNonNull(name, "name"), REMOVED);
    return this;
  }

  /**
   * Signs with {@code alg} and writes it in the header: {@code RS256..512}, {@code PS256..512},
   * {@code ES256..512}, {@code EdDSA}, {@code HS256..512} (needs {@link #hmacSecret}) or {@code
   * none} (empty signature). The key must fit the algorithm, except that an EC key of another curve
   * is allowed. Default: the signing key's {@link TestKey#defaultAlgorithm()}.
   *
   * @throws IllegalArgumentException for any other algorithm
   */
  public TokenBuilder algorithm(String alg) {
    if (!ALGORITHMS.contains(alg)) {
      throw new IllegalArgumentException("unsupported algorithm: " + alg);
    }
    this.algorithm = alg;
    headerOverrides.remove("alg");
    return this;
  }

  /** Signs with {@code key}, using its kid and default algorithm unless those were overridden. */
  public TokenBuilder signWith(TestKey key) {
    this.key = Objects.requireNonNull(key, "key");
    return this;
  }

  /** Writes {@code kid} in the header ({@code null} leaves it out), whatever the key's kid. */
  public TokenBuilder kid(String kid) {
    return kid == null ? removeHeader("kid") : header("kid", kid);
  }

  /** The secret for {@code HS256/384/512}. */
  public TokenBuilder hmacSecret(byte[] secret) {
    this.hmacSecret = Objects.requireNonNull(secret, "secret").clone();
    return this;
  }

  /** Sets the header {@code typ} ({@code null} removes it); default {@code "JWT"}. */
  public TokenBuilder type(String typ) {
    return typ == null ? removeHeader("typ") : header("typ", typ);
  }

  /**
   * Sets {@code at_hash} for this access token ({@code null} removes it): the base64url left half of
   * the hash of its ASCII bytes, the hash being the one of the header {@code alg} (SHA-256 for
   * {@code *256}, ..., SHA-512 for {@code EdDSA}), computed when the token is signed.
   */
  public TokenBuilder accessTokenHash(String accessToken) {
    return typed("at_hash", accessToken == null ? null : new DeferredHash(accessToken));
  }

  /** Sets {@code c_hash} for this authorization code, like {@link #accessTokenHash}. */
  public TokenBuilder codeHash(String code) {
    return typed("c_hash", code == null ? null : new DeferredHash(code));
  }

  /** Sets {@code s_hash} for this state value, like {@link #accessTokenHash}. */
  public TokenBuilder stateHash(String state) {
    return typed("s_hash", state == null ? null : new DeferredHash(state));
  }

  /**
   * The compact JWS: {@link #signingInput()}, a dot, the base64url signature.
   *
   * @throws IllegalStateException if the key does not fit the algorithm, or HS* has no secret
   */
  public String sign() {
    String input = signingInput();
    byte[] signature = signature(signingAlgorithm(), input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Codec.b64url(signature);
  }

  /** {@code base64url(header) + "." + base64url(payload)}, what {@link #sign()} signs. */
  public String signingInput() {
    Map<String, Object> header = header();
    Map<String, Object> payload = new LinkedHashMap<>(claims);
    for (Map.Entry<String, Object> claim : payload.entrySet()) {
      if (claim.getValue() instanceof DeferredHash) {
        claim.setValue(((DeferredHash) claim.getValue()).compute(header.get("alg")));
      }
    }
    return Codec.b64url(Codec.jsonBytes(header)) + "." + Codec.b64url(Codec.jsonBytes(payload));
  }

  private Map<String, Object> header() {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", signingAlgorithm());
    if (key.kid() != null) {
      header.put("kid", key.kid());
    }
    header.put("typ", "JWT");
    for (Map.Entry<String, Object> override : headerOverrides.entrySet()) {
      if (override.getValue() == REMOVED) {
        header.remove(override.getKey());
      } else {
        header.put(override.getKey(), override.getValue());
      }
    }
    return header;
  }

  private String signingAlgorithm() {
    return algorithm != null ? algorithm : key.defaultAlgorithm();
  }

  private TokenBuilder typed(String name, Object value) {
    if (value == null) {
      claims.remove(name);
    } else {
      claims.put(name, value);
    }
    return this;
  }

  private static Long seconds(Instant instant) {
    return instant == null ? null : instant.getEpochSecond();
  }

  private byte[] signature(String alg, byte[] input) {
    try {
      switch (alg) {
        case "none":
          return new byte[0];
        case "HS256":
        case "HS384":
        case "HS512":
          if (hmacSecret == null) {
            throw new IllegalStateException(alg + " needs hmacSecret(...)");
          }
          String macName = "HmacSHA" + alg.substring(2);
          Mac mac = Mac.getInstance(macName);
          mac.init(new SecretKeySpec(hmacSecret, macName));
          return mac.doFinal(input);
        default:
          Signature signer = jdkSignature(alg);
          signer.initSign(key.privateKey());
          signer.update(input);
          return signer.sign();
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot sign " + alg + " with " + key, e);
    }
  }

  private static Signature jdkSignature(String alg) throws GeneralSecurityException {
    String bits = alg.substring(2);
    switch (alg.substring(0, 2)) {
      case "RS":
        return Signature.getInstance("SHA" + bits + "withRSA");
      case "PS":
        Signature pss = Signature.getInstance("RSASSA-PSS");
        String hash = "SHA-" + bits;
        int saltLength = Integer.parseInt(bits) / 8;
        pss.setParameter(
            new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1));
        return pss;
      case "ES":
        return Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
      default: // EdDSA
        return Signature.getInstance("Ed25519");
    }
  }

  /** A left-half hash claim, computed at signing time from the header {@code alg}. */
  private static final class DeferredHash {
    private final String input;

    DeferredHash(String input) {
      this.input = input;
    }

    String compute(Object alg) {
      String digest;
      if ("EdDSA".equals(alg)) {
        digest = "SHA-512"; // OpenID Connect Core errata: Ed25519 tokens hash with SHA-512
      } else if (alg instanceof String && ((String) alg).matches("[RPEH]S(256|384|512)")) {
        digest = "SHA-" + ((String) alg).substring(2);
      } else {
        throw new IllegalStateException("no hash is defined for alg " + alg);
      }
      try {
        byte[] hash =
            MessageDigest.getInstance(digest).digest(input.getBytes(StandardCharsets.US_ASCII));
        return Codec.b64url(Arrays.copyOf(hash, hash.length / 2));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(digest + " unavailable", e);
      }
    }
  }
}
