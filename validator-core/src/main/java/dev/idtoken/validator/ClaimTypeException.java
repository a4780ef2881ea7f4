package dev.idtoken.validator;

/**
 * Thrown by the typed claim accessors of {@link VerifiedIdToken} when a claim exists but has another
 * JSON type than the one asked for. The message names the claim, never its value.
 */
public final class ClaimTypeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String claim;

  ClaimTypeException(String claim, String expected) {
    super("claim '" + claim + "' is not " + expected);
    this.claim = claim;
  }

  /** The claim's name. */
  public String claim() {
    return claim;
  }
}
