package dev.idtoken.jwks;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * How long a fetched JWKS stays fresh, from the response's caching headers (RFC 9111 §4.2.1),
 * clamped to the configured bounds.
 */
final class CachePolicy {
  private final Duration min;
  private final Duration fallback;
  private final Duration max;

  CachePolicy(Duration min, Duration fallback, Duration max) {
    this.min = min;
    this.fallback = fallback;
    this.max = max;
  }

  /**
   * {@code max-age} minus {@code Age}; else {@code Expires} minus {@code Date}; else the default.
   * {@code no-cache} and {@code no-store} mean the minimum: the keys must still be cached, or every
   * token would cost a fetch. The result is always within [min, max].
   */
  Duration timeToLive(HttpHeaders headers) {
    boolean noCache = false;
    Long maxAge = null;
    for (String value : headers.allValues("cache-control")) {
      for (String part : value.split(",")) {
        String directive = part.trim().toLowerCase(Locale.ROOT);
        if (directive.equals("no-store") || directive.equals("no-cache")
            || directive.startsWith("no-cache=")) {
          noCache = true;
        } else if (directive.startsWith("max-age")) {
          Long seconds = parseSeconds(directive.substring("max-age".length()).trim());
          if (seconds != null && (maxAge == null || seconds < maxAge)) {
            maxAge = seconds; // several max-age directives: the most conservative wins
          }
        }
      }
    }
    if (noCache) {
      return min;
    }
    Duration ttl;
    if (maxAge != null) {
      long age = headers.firstValue("age").map(a -> parseDeltaSeconds(a.trim())).orElse(0L);
      ttl = Duration.ofSeconds(Math.max(0, maxAge - Math.max(0, age)));
    } else if (headers.firstValue("expires").isPresent()) {
      ttl = fromExpires(headers.firstValue("expires").get(), headers.allValues("date"));
    } else {
      ttl = fallback;
    }
    return clamp(ttl);
  }

  Duration clamp(Duration ttl) {
    if (ttl.compareTo(min) < 0) {
      return min;
    }
    return ttl.compareTo(max) > 0 ? max : ttl;
  }

  private Duration fromExpires(String expires, List<String> date) {
    ZonedDateTime expiresAt = parseHttpDate(expires);
    if (expiresAt == null) {
      return Duration.ZERO; // RFC 9111 §5.3: an invalid Expires means "already expired"
    }
    ZonedDateTime now = date.isEmpty() ? null : parseHttpDate(date.get(0));
    if (now == null) {
      return fallback; // no server clock to compare with; ours may be skewed
    }
    return Duration.between(now, expiresAt);
  }

  private static ZonedDateTime parseHttpDate(String value) {
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // "=600" or "=\"600\""; anything else is ignored.
  private static Long parseSeconds(String rest) {
    if (!rest.startsWith("=")) {
      return null;
    }
    String value = rest.substring(1).trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    long seconds = parseDeltaSeconds(value);
    return seconds < 0 ? null : seconds;
  }

  /** RFC 9111 §1.2.2 delta-seconds, saturating at Integer.MAX_VALUE; -1 when malformed. */
  static long parseDeltaSeconds(String value) {
    if (value.isEmpty()) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return value.length() > 10 ? Integer.MAX_VALUE : Math.min(Long.parseLong(value), Integer.MAX_VALUE);
  }
}
