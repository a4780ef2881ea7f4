package dev.idtoken.validator;

import java.util.Objects;

/**
 * Thrown when a JSON Web Key Set (RFC 7517 §5) is unusable as a whole.
 *
 * <p>Individual bad keys do not cause it: {@link KeySet} skips them and reports why in
 * {@link KeySet#skippedKeys()}. The message is safe to log: it never contains key material.
 */
public final class KeySetException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the whole set was refused. */
  public enum Reason {
    /** Not JSON, not an object, no {@code keys} array, or a duplicated member name. */
    MALFORMED,
    /**
     * The set contains private or symmetric key material ({@code d}, {@code p}, {@code kty: oct},
     * ...). A published set that leaks secrets is compromised, so none of it is trusted.
     */
    SECRET_KEY_MATERIAL,
    /** More keys than {@link KeySet#MAX_KEYS}. */
    TOO_MANY_KEYS
  }

  private final Reason reason;

  KeySetException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  KeySetException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason);
  }

  /** Why the set was refused. */
  public Reason reason() {
    return reason;
  }
}
