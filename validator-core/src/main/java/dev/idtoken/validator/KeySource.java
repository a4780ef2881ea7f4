package dev.idtoken.validator;

import java.util.List;

/**
 * Where the validator gets the public keys that may have signed a token.
 *
 * <p>Implementations must be thread-safe: the validator calls them concurrently from request threads.
 * A {@link KeySet} is the static implementation; the {@code validator-jwks} module provides a remote
 * one that fetches, caches and rotates a provider's JWKS.
 *
 * <p>The returned keys are candidates only. The validator never trusts the token's header for the
 * algorithm: it uses a candidate only if the header {@code alg} is in its allow-list and fits the
 * key's type, curve, size, {@code use} and (when the JWK names one) {@code alg}
 * (OpenID Connect Core 1.0 §3.1.3.7 step 6, RFC 8725 §3.1). HMAC keys never come from a key source.
 */
@FunctionalInterface
public interface KeySource {

  /**
   * Returns the candidate keys for a token.
   *
   * @param kid the token's {@code kid} header, or null when the token has none (then return every
   *     key, the validator tries the fitting ones up to a small bound)
   * @param algorithm the token's {@code alg}, already checked against the validator's allow-list
   * @return the candidates; empty when no key has that {@code kid}. Never null.
   * @throws KeySourceException when the keys could not be obtained at all (an outage, not a bad
   *     token); the validator reports it as {@link ValidationResult.Unavailable}
   */
  List<VerificationKey> keys(String kid, JwsAlgorithm algorithm) throws KeySourceException;
}
