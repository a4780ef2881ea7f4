package dev.idtoken.spring;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The health of the key sources as a status and details, independent of the Spring Boot generation
 * (whose health types moved between Boot 3 and 4).
 *
 * <p>Fresh or stale keys are {@code UP} (tokens are being checked), keys still loading are
 * {@code UNKNOWN}, no usable keys {@code DOWN}; with several issuers the worst one counts. Details
 * name kids and times, never key material; times are strings so that any JSON mapper renders them.
 */
record KeySourceHealthReport(String status, Map<String, Object> details) {
  static final String UP = "UP";
  static final String UNKNOWN = "UNKNOWN";
  static final String DOWN = "DOWN";

  static KeySourceHealthReport of(RemoteKeySource keys) {
    KeySourceHealth health = keys.health();
    return new KeySourceHealthReport(status(health), details(health));
  }

  static KeySourceHealthReport of(IssuerRegistry registry) {
    String worst = UP;
    Map<String, Object> issuers = new LinkedHashMap<>();
    for (String issuer : registry.issuers()) {
      Optional<KeySourceHealth> health = registry.health(issuer);
      if (health.isEmpty()) {
        continue; // removed meanwhile
      }
      String status = status(health.get());
      if (rank(status) > rank(worst)) {
        worst = status;
      }
      issuers.put(issuer, details(health.get()));
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("issuers", issuers);
    return new KeySourceHealthReport(worst, details);
  }

  private static String status(KeySourceHealth health) {
    switch (health.status()) {
      case FRESH:
      case STALE:
        return UP;
      case LOADING:
        return UNKNOWN;
      default:
        return DOWN;
    }
  }

  private static int rank(String status) {
    return DOWN.equals(status) ? 2 : UNKNOWN.equals(status) ? 1 : 0;
  }

  private static Map<String, Object> details(KeySourceHealth health) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("keys", health.status().name());
    details.put("source", health.source().toString());
    details.put("kids", health.kids());
    health.lastSuccessfulFetch().ifPresent(t -> details.put("lastSuccessfulFetch", t.toString()));
    health.keyAge().ifPresent(age -> details.put("keyAge", age.toString()));
    health.lastError().ifPresent(error -> details.put("lastError", error));
    health.lastErrorAt().ifPresent(t -> details.put("lastErrorAt", t.toString()));
    details.put("consecutiveFailures", health.consecutiveFailures());
    return details;
  }
}
