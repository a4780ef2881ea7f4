package dev.idtoken.validator;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The issuers a {@link MultiIssuerValidator} trusts, each with its own validator (and so its own
 * audience, keys, algorithms and clock skew).
 *
 * <p>Implementations must be thread-safe and must answer from memory: the lookup runs on the request
 * path, before the token is verified. {@link #of(IdTokenValidator...)} is the fixed implementation;
 * the {@code validator-jwks} module has a registry whose issuers are added and removed at run time.
 */
@FunctionalInterface
public interface TrustedIssuers {

  /**
   * The validator configured for exactly this issuer (compared as an exact string), or empty when the
   * issuer is not trusted.
   */
  Optional<IdTokenValidator> validatorFor(String issuer);

  /**
   * A fixed set of issuers, keyed by each validator's configured issuer.
   *
   * @throws IllegalArgumentException if two validators have the same issuer
   */
  static TrustedIssuers of(IdTokenValidator... validators) {
    Map<String, IdTokenValidator> byIssuer = new HashMap<>();
    for (IdTokenValidator validator : validators) {
      Objects.requireNonNull(validator, "validator");
      if (byIssuer.put(validator.issuer(), validator) != null) {
        throw new IllegalArgumentException("two validators for issuer " + validator.issuer());
      }
    }
    Map<String, IdTokenValidator> fixed = Map.copyOf(byIssuer);
    return issuer -> Optional.ofNullable(fixed.get(issuer));
  }
}
