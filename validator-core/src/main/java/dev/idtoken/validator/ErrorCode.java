package dev.idtoken.validator;

/**
 * Why an ID token was not accepted: a stable code for each check of OpenID Connect Core 1.0
 * §3.1.3.7 (and the hardening around it), meant for metrics, logs and tests.
 *
 * <p>Each code carries a fixed, generic message that is safe to return to a caller: it never quotes
 * the token, a claim value, a key or personal data. Every code except {@link #KEYS_UNAVAILABLE},
 * {@link #REPLAY_CHECK_UNAVAILABLE} and {@link #INTERNAL_ERROR} means "the token is bad" (HTTP 401,
 * RFC 6750 {@code invalid_token}); {@link #KEYS_UNAVAILABLE} and {@link #REPLAY_CHECK_UNAVAILABLE} mean
 * the token could not be checked (HTTP 503), {@link #INTERNAL_ERROR} that the check itself failed
 * unexpectedly (HTTP 500). Immutable and thread-safe.
 */
public enum ErrorCode {
  /** The raw token is longer than the configured maximum; it was not decoded. */
  TOKEN_TOO_LARGE("The token is too large."),
  /** Not a compact JWS: wrong number of segments, bad base64url, or a header or payload that is not a JSON object. */
  MALFORMED_TOKEN("The token is not a well-formed signed JWT."),
  /** A JWE (five segments): encrypted ID tokens are not supported. */
  ENCRYPTED_TOKEN("Encrypted tokens are not accepted."),
  /** The header {@code alg} is missing, {@code none}, or not in the allow-list. */
  ALGORITHM_NOT_ALLOWED("The token's signing algorithm is not allowed."),
  /** The header lists a {@code crit} extension this library does not understand (RFC 7515 §4.1.11). */
  UNSUPPORTED_CRITICAL_HEADER("The token requires an unsupported header extension."),
  /** The header {@code typ} says this is not an ID token (for example an {@code at+jwt} access token). */
  WRONG_TOKEN_TYPE("The token is not an ID token."),
  /**
   * A back-channel logout token (it has an {@code events} claim or the header {@code typ} {@code
   * logout+jwt}) was offered as an ID token; OpenID Connect Back-Channel Logout 1.0 §2.4 forbids
   * accepting one as the other.
   */
  LOGOUT_TOKEN("A logout token is not an ID token."),
  /**
   * {@link LogoutTokenValidator} only: the token lacks the back-channel logout event (OpenID Connect
   * Back-Channel Logout 1.0 §2.6 step 5), or carries a {@code nonce} (step 6), so it is not a logout
   * token. The claim concerned is {@code events} or {@code nonce}.
   */
  NOT_A_LOGOUT_TOKEN("The token is not a logout token."),
  /** No key fits: unknown {@code kid}, or no key of the right type, curve, size, use and algorithm. */
  KEY_NOT_FOUND("No key is known that can verify the token."),
  /** The signature does not verify. */
  SIGNATURE_INVALID("The token's signature is invalid."),
  /** The keys could not be obtained (provider down, slow or broken, and the cache too old): retry later. */
  KEYS_UNAVAILABLE("The token cannot be checked right now."),
  /** An unexpected internal failure (a defective key source, a throwing JCA provider): not the token's fault. */
  INTERNAL_ERROR("The token could not be checked because of an internal error."),
  /** The {@code iss} is not one of the trusted issuers (several-issuer validation). */
  UNTRUSTED_ISSUER("The token's issuer is not trusted."),
  /** The {@code iss} is not exactly the configured issuer. */
  ISSUER_MISMATCH("The token was issued by another issuer."),
  /** The {@code aud} does not contain the client id. */
  AUDIENCE_MISMATCH("The token is not meant for this client."),
  /** The {@code aud} contains an audience that is not trusted. */
  UNTRUSTED_AUDIENCE("The token is also meant for an untrusted audience."),
  /** The {@code azp} is present but is not the client id. */
  AZP_MISMATCH("The token's authorized party is not this client."),
  /** The {@code exp} has passed, beyond the allowed clock skew. */
  EXPIRED("The token has expired."),
  /** The {@code nbf} is still ahead, beyond the allowed clock skew. */
  NOT_YET_VALID("The token is not valid yet."),
  /** The {@code iat} is in the future, beyond the allowed clock skew. */
  ISSUED_IN_FUTURE("The token's issue time is in the future."),
  /** The {@code iat} is older than the configured maximum token age. */
  TOKEN_TOO_OLD("The token was issued too long ago."),
  /** The {@code nonce} is not the expected one. */
  NONCE_MISMATCH("The token's nonce does not match."),
  /** The {@code auth_time} is older than the request's {@code max_age} allows. */
  AUTHENTICATION_TOO_OLD("The authentication is too old; sign in again."),
  /** The {@code acr} is not one of the accepted values. */
  ACR_NOT_ACCEPTED("The authentication context is not accepted."),
  /** The {@code at_hash} does not match the access token. */
  AT_HASH_MISMATCH("The token does not match the access token."),
  /** The {@code c_hash} does not match the authorization code. */
  C_HASH_MISMATCH("The token does not match the authorization code."),
  /** The {@code s_hash} does not match the state. */
  S_HASH_MISMATCH("The token does not match the state."),
  /** A required claim is absent. */
  MISSING_CLAIM("The token lacks a required claim."),
  /** A claim has the wrong JSON type or an impossible value (a string {@code exp}, a 300-character {@code sub}). */
  MALFORMED_CLAIM("The token has a malformed claim."),
  /** The token was already used at a one-time login exchange ({@link Expectations.Builder#oneTimeUse}). */
  TOKEN_REPLAYED("The token has already been used."),
  /** The {@link ReplayGuard}'s store could not answer (down, slow or full): retry later. */
  REPLAY_CHECK_UNAVAILABLE("The token cannot be checked right now.");

  private final String message;

  ErrorCode(String message) {
    this.message = message;
  }

  /** A fixed message for this code, safe to show to a caller. */
  public String message() {
    return message;
  }

  /** True when the token could not be checked, rather than found bad. */
  public boolean isUnavailable() {
    return this == KEYS_UNAVAILABLE || this == REPLAY_CHECK_UNAVAILABLE;
  }
}
