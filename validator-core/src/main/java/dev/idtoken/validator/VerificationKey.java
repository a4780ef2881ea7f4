package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.Optional;

/**
 * A public key that may verify ID token signatures, with the JWK metadata that restricts its use.
 *
 * <p>Immutable and thread-safe. The key has already passed the strength checks when it exists: RSA
 * of 2048 to 8192 bits with an odd public exponent of at least 3 and at most 32 bits and no ROCA
 * fingerprint; EC on
 * P-256, P-384 or P-521 with the point on the curve; Ed25519. Instances come from {@link KeySet}
 * (parsed from a JWKS) or from {@link #of(String, PublicKey)}.
 *
 * <p>Two keys are equal when their {@code kid}, {@code alg}, {@code use} and RFC 7638 thumbprint
 * (a SHA-256 hash of the key material) are equal; comparing them is cheap.
 * {@link #toString()} shows the {@code kid}, type and RFC 7638 thumbprint, never the key itself.
 */
public final class VerificationKey {
  private final String kid;
  private final PublicKey publicKey;
  private final String keyType;
  private final String curve;
  private final String use;
  private final JwsAlgorithm algorithm;
  private final String thumbprint;
  // The key as a configured JCA provider's own key object, made once per key (see keyFor).
  private volatile ProviderKey providerKey;

  /** A key converted for one provider; a new provider replaces it. */
  private static final class ProviderKey {
    final Provider provider;
    final PublicKey key;

    ProviderKey(Provider provider, PublicKey key) {
      this.provider = provider;
      this.key = key;
    }
  }

  VerificationKey(String kid, PublicKey publicKey, String keyType, String curve, String use,
      JwsAlgorithm algorithm, String thumbprint) {
    this.kid = kid;
    this.publicKey = publicKey;
    this.keyType = keyType;
    this.curve = curve;
    this.use = use;
    this.algorithm = algorithm;
    this.thumbprint = thumbprint;
  }

  /**
   * Wraps a public key that did not come from a JWKS (for example one read from a PEM file).
   *
   * @param kid the key id tokens will name, or null for a key without one
   * @throws NullPointerException if {@code publicKey} is null
   * @throws IllegalArgumentException if the key type is unsupported or the key is too weak
   */
  public static VerificationKey of(String kid, PublicKey publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    return Jwks.fromPublicKey(kid, publicKey);
  }

  /** The JWK {@code kid}, if the key has one. */
  public Optional<String> kid() {
    return Optional.ofNullable(kid);
  }

  /** The JWK key type: {@code RSA}, {@code EC} or {@code OKP}. */
  public String keyType() {
    return keyType;
  }

  /** The JWK {@code alg} this key is restricted to, if the JWK names one. */
  public Optional<JwsAlgorithm> algorithm() {
    return Optional.ofNullable(algorithm);
  }

  /** The RFC 7638 SHA-256 thumbprint, base64url: a stable, non-secret identity for the key. */
  public String thumbprint() {
    return thumbprint;
  }

  /** The JCA public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * This key as {@code provider}'s own key object, converted once and then reused: providers such as
   * Amazon Corretto Crypto Provider otherwise translate a JDK key into their native form on every
   * {@code initVerify}. Null {@code provider} means the JDK's, which uses the key as it is. A provider
   * without a key factory for this key type gets the JDK key (it must then accept it itself).
   *
   * @throws GeneralSecurityException if the provider's key factory refuses the key
   */
  PublicKey keyFor(Provider provider) throws GeneralSecurityException {
    if (provider == null) {
      return publicKey;
    }
    ProviderKey converted = providerKey;
    if (converted != null && converted.provider == provider) {
      return converted.key;
    }
    PublicKey key;
    try {
      key = (PublicKey) KeyFactory.getInstance(publicKey.getAlgorithm(), provider).translateKey(publicKey);
    } catch (NoSuchAlgorithmException e) {
      key = publicKey;
    } catch (ClassCastException e) {
      throw new InvalidKeyException("the provider's key factory returned no public key");
    }
    // Two threads may both convert on first use; either result is equally good.
    providerKey = new ProviderKey(provider, key);
    return key;
  }

  String kidOrNull() {
    return kid;
  }

  /** The JWK {@code crv} ({@code P-256}, ..., {@code Ed25519}), or null for RSA. */
  String curveOrNull() {
    return curve;
  }

  /**
   * Whether this key may verify a signature made with {@code alg}: the JWK {@code alg} (if any) is the
   * same, {@code use} is absent or {@code sig}, and the key type and curve fit the algorithm (RFC
   * 8725 §3.1). The validator uses a key only when this holds; a key source may use it to treat a
   * {@code kid} whose keys do not fit a token's {@code alg} as unknown.
   *
   * @throws NullPointerException if {@code alg} is null
   */
  public boolean fits(JwsAlgorithm alg) {
    Objects.requireNonNull(alg, "alg");
    if (algorithm != null && algorithm != alg) {
      return false;
    }
    if (use != null && !use.equals("sig")) {
      return false;
    }
    switch (alg.family()) {
      case RSA:
      case RSA_PSS:
        return publicKey instanceof RSAPublicKey;
      case EC:
        return publicKey instanceof ECPublicKey && Curves.forAlgorithm(alg).equals(curve);
      case EDDSA:
        return publicKey instanceof EdECPublicKey && "Ed25519".equals(curve);
      default:
        return false; // HMAC keys never come from a key source
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof VerificationKey)) {
      return false;
    }
    VerificationKey other = (VerificationKey) o;
    return Objects.equals(kid, other.kid)
        && algorithm == other.algorithm
        && Objects.equals(use, other.use)
        && thumbprint.equals(other.thumbprint); // SHA-256 over the key's defining members
  }

  @Override
  public int hashCode() {
    return Objects.hash(kid, thumbprint);
  }

  @Override
  public String toString() {
    return "VerificationKey[kid=" + kid + ", kty=" + keyType
        + (curve == null ? "" : ", crv=" + curve)
        + (algorithm == null ? "" : ", alg=" + algorithm.jwsName())
        + ", thumbprint=" + thumbprint + "]";
  }
}
