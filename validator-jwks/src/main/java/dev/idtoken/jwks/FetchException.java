package dev.idtoken.jwks;

/**
 * A failed discovery or JWKS fetch, with a reason that is safe to log (no body, no key material).
 * Internal: callers of the key source see a {@code KeySourceException} instead.
 */
final class FetchException extends Exception {
  private static final long serialVersionUID = 1L;

  FetchException(String reason) {
    super(reason, null, false, false);
  }

  FetchException(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }
}
