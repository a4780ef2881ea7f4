package dev.idtoken.validator;

import java.util.Objects;
import java.util.Optional;

/**
 * One reason a token was not accepted.
 *
 * <p>Immutable. {@link #message()} is safe to return to the caller: it names at most the claim
 * concerned, never its value, the token or a key.
 *
 * @param code the stable reason
 * @param claim the claim or header concerned (for example {@code "exp"}), or null
 */
public record ValidationError(ErrorCode code, String claim) {

  /** Checks the code is present. */
  public ValidationError {
    Objects.requireNonNull(code, "code");
  }

  static ValidationError of(ErrorCode code) {
    return new ValidationError(code, null);
  }

  static ValidationError of(ErrorCode code, String claim) {
    return new ValidationError(code, claim);
  }

  /** The claim or header concerned, if any. */
  public Optional<String> claimName() {
    return Optional.ofNullable(claim);
  }

  /** A message safe to show to the caller, for example {@code "The token has expired. (claim: exp)"}. */
  public String message() {
    return claim == null ? code.message() : code.message() + " (claim: " + claim + ")";
  }

  @Override
  public String toString() {
    return claim == null ? code.name() : code.name() + "(" + claim + ")";
  }
}
