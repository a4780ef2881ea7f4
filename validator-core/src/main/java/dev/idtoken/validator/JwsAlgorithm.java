package dev.idtoken.validator;

import java.util.Locale;
import java.util.Objects;

/**
 * The JWS signature algorithms this library can verify (RFC 7518 §3, RFC 8037 §3.1).
 *
 * <p>There is deliberately no constant for {@code none}: an unsigned token can never be accepted,
 * whatever the configuration. {@link #fromName(String)} refuses it in any spelling.
 *
 * <p>Immutable and thread-safe.
 */
public enum JwsAlgorithm {
  /** RSASSA-PKCS1-v1_5 with SHA-256; OpenID Connect's default ID token algorithm. */
  RS256("RS256", Family.RSA, "SHA-256", 32),
  /** RSASSA-PKCS1-v1_5 with SHA-384. */
  RS384("RS384", Family.RSA, "SHA-384", 48),
  /** RSASSA-PKCS1-v1_5 with SHA-512. */
  RS512("RS512", Family.RSA, "SHA-512", 64),
  /** RSASSA-PSS with SHA-256 and MGF1 with SHA-256. */
  PS256("PS256", Family.RSA_PSS, "SHA-256", 32),
  /** RSASSA-PSS with SHA-384 and MGF1 with SHA-384. */
  PS384("PS384", Family.RSA_PSS, "SHA-384", 48),
  /** RSASSA-PSS with SHA-512 and MGF1 with SHA-512. */
  PS512("PS512", Family.RSA_PSS, "SHA-512", 64),
  /** ECDSA on P-256 with SHA-256. */
  ES256("ES256", Family.EC, "SHA-256", 32),
  /** ECDSA on P-384 with SHA-384. */
  ES384("ES384", Family.EC, "SHA-384", 48),
  /** ECDSA on P-521 with SHA-512. */
  ES512("ES512", Family.EC, "SHA-512", 64),
  /** EdDSA with Ed25519 (RFC 8037); the ID token hash claims use SHA-512. */
  EDDSA("EdDSA", Family.EDDSA, "SHA-512", 64),
  /** HMAC with SHA-256, keyed with the client secret only (OpenID Connect Core §10.1). */
  HS256("HS256", Family.HMAC, "SHA-256", 32),
  /** HMAC with SHA-384, keyed with the client secret only. */
  HS384("HS384", Family.HMAC, "SHA-384", 48),
  /** HMAC with SHA-512, keyed with the client secret only. */
  HS512("HS512", Family.HMAC, "SHA-512", 64);

  enum Family {
    RSA, RSA_PSS, EC, EDDSA, HMAC
  }

  private final String jwsName;
  private final Family family;
  private final String hashAlgorithm;
  private final int hashLength;

  JwsAlgorithm(String jwsName, Family family, String hashAlgorithm, int hashLength) {
    this.jwsName = jwsName;
    this.family = family;
    this.hashAlgorithm = hashAlgorithm;
    this.hashLength = hashLength;
  }

  /** The name as it appears in a JWS {@code alg} header, for example {@code "RS256"}. */
  public String jwsName() {
    return jwsName;
  }

  /** True for the HMAC algorithms, which are keyed with the client secret rather than a JWK. */
  public boolean isSymmetric() {
    return family == Family.HMAC;
  }

  Family family() {
    return family;
  }

  /** The JCA name of the hash that {@code at_hash}, {@code c_hash} and {@code s_hash} use. */
  String hashAlgorithm() {
    return hashAlgorithm;
  }

  int hashLength() {
    return hashLength;
  }

  /**
   * Looks an algorithm up by its exact, case-sensitive JWS name.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is unknown, or is {@code none} in any spelling
   */
  public static JwsAlgorithm fromName(String name) {
    Objects.requireNonNull(name, "name");
    JwsAlgorithm found = fromHeader(name);
    if (found != null) {
      return found;
    }
    if (name.trim().toLowerCase(Locale.ROOT).equals("none")) {
      throw new IllegalArgumentException("algorithm 'none' can never be allowed");
    }
    throw new IllegalArgumentException("unsupported JWS algorithm: " + name);
  }

  /** The algorithm with exactly this header name, or null. The hot path avoids exceptions. */
  static JwsAlgorithm fromHeader(String name) {
    switch (name) {
      case "RS256": return RS256;
      case "RS384": return RS384;
      case "RS512": return RS512;
      case "PS256": return PS256;
      case "PS384": return PS384;
      case "PS512": return PS512;
      case "ES256": return ES256;
      case "ES384": return ES384;
      case "ES512": return ES512;
      case "EdDSA": return EDDSA;
      case "HS256": return HS256;
      case "HS384": return HS384;
      case "HS512": return HS512;
      default: return null;
    }
  }
}
