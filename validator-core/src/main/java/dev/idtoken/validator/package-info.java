/**
 * OpenID Connect ID token validation (OpenID Connect Core 1.0 §3.1.3.7), with no HTTP.
 *
 * <p>Build one {@link dev.idtoken.validator.IdTokenValidator} per issuer and client at start-up,
 * give it a {@link dev.idtoken.validator.KeySource} (a static {@link dev.idtoken.validator.KeySet},
 * or the remote source of the {@code validator-jwks} module), and call
 * {@link dev.idtoken.validator.IdTokenValidator#validate(String, dev.idtoken.validator.Expectations)}
 * on each request. The result is {@link dev.idtoken.validator.ValidationResult.Valid} with a
 * {@link dev.idtoken.validator.VerifiedIdToken}, {@link dev.idtoken.validator.ValidationResult.Invalid}
 * with typed {@link dev.idtoken.validator.ErrorCode}s (answer 401), or
 * {@link dev.idtoken.validator.ValidationResult.Unavailable} (answer 503). For several issuers, use
 * {@link dev.idtoken.validator.MultiIssuerValidator}.
 *
 * <p>Every public type is immutable and thread-safe unless its documentation says otherwise
 * (builders are not thread-safe).
 */
package dev.idtoken.validator;
