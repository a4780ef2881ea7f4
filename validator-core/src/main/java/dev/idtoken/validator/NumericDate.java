package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional. */
final class NumericDate {
  // 9999-12-31T23:59:59Z: later values are typos or attacks, and would overflow date arithmetic.
  private static final long MAX_SECONDS = 253_402_300_799L;

  private NumericDate() {}

  /** Whether {@link #toInstant} gives an instant for the node; checks without making one. */
  static boolean isValid(JsonNode node) {
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        return false;
      }
      long seconds = node.longValue();
      return seconds >= 0 && seconds <= MAX_SECONDS;
    }
    if (node.isNumber()) {
      double value = node.doubleValue();
      return value >= 0 && value <= MAX_SECONDS; // also false for NaN
    }
    return false;
  }

  /** The instant, or null when the node is not a finite number in [0, year 9999]. */
  static Instant toInstant(JsonNode node) {
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        return null;
      }
      long seconds = node.longValue();
      return seconds < 0 || seconds > MAX_SECONDS ? null : Instant.ofEpochSecond(seconds);
    }
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (!(value >= 0 && value <= MAX_SECONDS)) { // also false for NaN
        return null;
      }
      long seconds = (long) Math.floor(value);
      long nanos = Math.round((value - seconds) * 1e9);
      return Instant.ofEpochSecond(seconds, Math.min(nanos, 999_999_999L));
    }
    return null;
  }
}
