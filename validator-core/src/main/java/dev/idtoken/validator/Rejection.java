package dev.idtoken.validator;

/**
 * Internal control flow: a check that stops validation at once. No stack trace is captured, so a
 * flood of bad tokens costs no more than the checks themselves.
 */
final class Rejection extends Exception {
  private static final long serialVersionUID = 1L;

  final transient ValidationResult result;

  private Rejection(ValidationResult result) {
    super(null, null, false, false);
    this.result = result;
  }

  static Rejection invalid(ErrorCode code) {
    return new Rejection(new ValidationResult.Invalid(java.util.List.of(ValidationError.of(code))));
  }

  static Rejection invalid(ErrorCode code, String claim) {
    return new Rejection(new ValidationResult.Invalid(java.util.List.of(ValidationError.of(code, claim))));
  }

  static Rejection unavailable() {
    return new Rejection(new ValidationResult.Unavailable(ValidationError.of(ErrorCode.KEYS_UNAVAILABLE)));
  }

  static Rejection unavailable(KeySourceException cause) {
    return new Rejection(new ValidationResult.Unavailable(
        ValidationError.of(ErrorCode.KEYS_UNAVAILABLE), cause.retryAfter()));
  }

  static Rejection failed() {
    return new Rejection(new ValidationResult.Failed(ValidationError.of(ErrorCode.INTERNAL_ERROR)));
  }
}
