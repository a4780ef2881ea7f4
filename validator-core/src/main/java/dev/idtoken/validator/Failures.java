package dev.idtoken.validator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an unexpected exception into {@link ValidationResult.Failed}, logged once without its message. */
final class Failures {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  static ValidationResult.Failed internal(Throwable e) {
    // The type and the frame it came from, never the message: a third-party key source or provider
    // may put anything in it, a token included.
    StackTraceElement[] trace = e.getStackTrace();
    log.error("ID token validation failed unexpectedly: {} at {}", e.getClass().getName(),
        trace.length > 0 ? trace[0] : "unknown");
    return new ValidationResult.Failed(ValidationError.of(ErrorCode.INTERNAL_ERROR));
  }
}
