package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Validates ID tokens from several trusted issuers, each with its own validator (audience, keys,
 * algorithms, skew): for back ends where each customer registers its own identity provider.
 *
 * <p>Immutable and thread-safe. The unverified {@code iss} only selects the configuration; the
 * selected validator then checks everything, the issuer included. A token whose issuer is not trusted
 * is refused with {@link ErrorCode#UNTRUSTED_ISSUER} before any key is looked up, so strangers cannot
 * make this service fetch anything.
 */
public final class MultiIssuerValidator {
  private final TrustedIssuers issuers;
  private final int maxTokenSize;

  private MultiIssuerValidator(TrustedIssuers issuers, int maxTokenSize) {
    this.issuers = issuers;
    this.maxTokenSize = maxTokenSize;
  }

  /** A validator for the given issuers; tokens over {@link IdTokenValidator#DEFAULT_MAX_TOKEN_SIZE} are refused unread. */
  public static MultiIssuerValidator of(TrustedIssuers issuers) {
    return new MultiIssuerValidator(Objects.requireNonNull(issuers, "issuers"),
        IdTokenValidator.DEFAULT_MAX_TOKEN_SIZE);
  }

  /**
   * A validator for the given issuers that refuses tokens over {@code maxTokenSize} characters
   * unread; set it to the largest {@code maxTokenSize} of the issuers' validators.
   *
   * @throws IllegalArgumentException if outside [1 KiB, 1 MiB]
   */
  public static MultiIssuerValidator of(TrustedIssuers issuers, int maxTokenSize) {
    if (maxTokenSize < 1024 || maxTokenSize > 1024 * 1024) {
      throw new IllegalArgumentException("maxTokenSize must be between 1024 and 1048576");
    }
    return new MultiIssuerValidator(Objects.requireNonNull(issuers, "issuers"), maxTokenSize);
  }

  /** Validates with no per-request expectations. */
  public ValidationResult validate(String token) {
    return validate(token, Expectations.none());
  }

  /**
   * Selects the issuer's validator by the token's unverified {@code iss} and validates with it.
   *
   * @throws NullPointerException if {@code expectations} is null
   */
  public ValidationResult validate(String token, Expectations expectations) {
    Objects.requireNonNull(expectations, "expectations");
    try {
      return select(token, expectations);
    } catch (RuntimeException | LinkageError e) {
      return Failures.internal(e); // as IdTokenValidator does: never thrown, never a 401
    }
  }

  private ValidationResult select(String token, Expectations expectations) {
    if (token == null || token.isEmpty()) {
      return invalid(ErrorCode.MALFORMED_TOKEN, null);
    }
    if (token.length() > maxTokenSize) {
      return invalid(ErrorCode.TOKEN_TOO_LARGE, null);
    }
    int firstDot = token.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    if (secondDot < 0) {
      return invalid(ErrorCode.MALFORMED_TOKEN, null);
    }
    byte[] payload = Base64Url.decode(token.substring(firstDot + 1, secondDot));
    // Only the protocol claims are kept; the rest is validated and skipped, as the cold path does.
    Json.Claims claims = payload == null ? null : Json.parseClaims(payload);
    if (claims == null) {
      // Could be a JWE or other shape: let the same checks as single-issuer validation say which.
      return invalid(token.chars().filter(c -> c == '.').count() == 4
          ? ErrorCode.ENCRYPTED_TOKEN : ErrorCode.MALFORMED_TOKEN, null);
    }
    JsonNode iss = claims.get("iss");
    if (iss == null) {
      return invalid(ErrorCode.MISSING_CLAIM, "iss");
    }
    if (!iss.isTextual()) {
      return invalid(ErrorCode.MALFORMED_CLAIM, "iss");
    }
    Optional<IdTokenValidator> validator;
    try {
      validator = issuers.validatorFor(iss.textValue());
    } catch (RuntimeException | LinkageError e) {
      return Failures.internal(e); // a defective issuer lookup is a defect, not an outage
    }
    if (validator.isEmpty()) {
      return invalid(ErrorCode.UNTRUSTED_ISSUER, "iss");
    }
    return validator.get().validate(token, expectations);
  }

  private static ValidationResult invalid(ErrorCode code, String claim) {
    return new ValidationResult.Invalid(List.of(ValidationError.of(code, claim)));
  }
}
