package dev.idtoken.micrometer;

import static dev.idtoken.micrometer.MetricNames.CODE;
import static dev.idtoken.micrometer.MetricNames.ISSUER;
import static dev.idtoken.micrometer.MetricNames.NO_CODE;
import static dev.idtoken.micrometer.MetricNames.RESULT;
import static dev.idtoken.micrometer.MetricNames.UNKNOWN_ISSUER;
import static dev.idtoken.micrometer.MetricNames.VALIDATIONS;

import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts validation outcomes: {@code idtoken.validations} (counter) with tags {@code issuer},
 * {@code result} ({@code valid}, {@code invalid}, {@code unavailable}, {@code failed}) and
 * {@code code} (the {@link ErrorCode} name of the first error, or {@code none} for a valid token).
 *
 * <p>Pass each result through {@link #record(ValidationResult)}; it returns its argument, so it wraps
 * a call in place:
 *
 * <pre>{@code
 * ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);
 * ValidationResult result = metrics.record(validator.validate(token, expectations));
 * }</pre>
 *
 * <p>The {@code issuer} tag is only ever one of the issuers given here: a valid token's verified
 * issuer if it is one of them (else {@code unknown}); for a token that failed, the single configured
 * issuer of {@link #forValidator}, or {@code unknown} with several issuers, since an unverified
 * {@code iss} is attacker-controlled. The number of time series is bounded by issuers x codes.
 *
 * <p>A decorator of the result rather than a hook inside the validator: the validator stays free of
 * metrics, and this works the same for {@code IdTokenValidator}, {@code MultiIssuerValidator} and
 * any integration that hands back the result.
 *
 * <p>Thread-safe; recording looks up a pre-registered counter and increments it, without locks.
 */
public final class ValidationMetrics {

  private final Map<String, IssuerCounters> byIssuer;
  private final IssuerCounters unknownOrSingle;

  private ValidationMetrics(MeterRegistry registry, Set<String> issuers, Tags tags, boolean single) {
    Objects.requireNonNull(registry, "registry");
    Map<String, IssuerCounters> map = new HashMap<>();
    for (String issuer : issuers) {
      map.put(issuer, new IssuerCounters(registry, tags.and(ISSUER, issuer)));
    }
    byIssuer = Map.copyOf(map);
    unknownOrSingle = single
        ? byIssuer.values().iterator().next()
        : new IssuerCounters(registry, tags.and(ISSUER, UNKNOWN_ISSUER));
  }

  /**
   * Metrics for one validator; every result is tagged with its configured issuer.
   *
   * @throws NullPointerException if an argument is null
   */
  public static ValidationMetrics forValidator(MeterRegistry registry, IdTokenValidator validator) {
    return new ValidationMetrics(registry, Set.of(validator.issuer()), Tags.empty(), true);
  }

  /**
   * Metrics for several issuers (a {@code MultiIssuerValidator}); results whose issuer is not one
   * of these, or not verified, are tagged {@code unknown}.
   *
   * @param issuers the configured issuers: the only values the {@code issuer} tag takes besides
   *     {@code unknown}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no issuer
   */
  public static ValidationMetrics forIssuers(MeterRegistry registry, Set<String> issuers) {
    if (issuers.isEmpty()) {
      throw new IllegalArgumentException("issuers: at least one is needed");
    }
    return new ValidationMetrics(registry, Set.copyOf(issuers), Tags.empty(), false);
  }

  /**
   * Counts one outcome.
   *
   * @param result what a validator returned
   * @return {@code result}, unchanged
   * @throws NullPointerException if {@code result} is null
   */
  public ValidationResult record(ValidationResult result) {
    Objects.requireNonNull(result, "result");
    if (result instanceof ValidationResult.Valid valid) {
      byIssuer.getOrDefault(valid.token().issuer(), unknownOrSingle).valid.increment();
    } else if (result instanceof ValidationResult.Invalid invalid) {
      unknownOrSingle.invalid(invalid.code()).increment();
    } else if (result instanceof ValidationResult.Unavailable) {
      unknownOrSingle.unavailable.increment();
    } else {
      unknownOrSingle.failed.increment();
    }
    return result;
  }

  /**
   * One issuer's counters. Valid, unavailable and failed exist from the start (dashboards show a
   * zero); an error code's counter is registered on its first use, so an issuer costs a handful of
   * series rather than one per code.
   */
  private static final class IssuerCounters {
    final MeterRegistry registry;
    final Tags tags;
    final Counter valid;
    final AtomicReferenceArray<Counter> invalid =
        new AtomicReferenceArray<>(ErrorCode.values().length);
    final Counter unavailable;
    final Counter failed;

    IssuerCounters(MeterRegistry registry, Tags tags) {
      this.registry = registry;
      this.tags = tags;
      valid = counter("valid", NO_CODE);
      unavailable = counter("unavailable", ErrorCode.KEYS_UNAVAILABLE.name());
      failed = counter("failed", ErrorCode.INTERNAL_ERROR.name());
    }

    Counter invalid(ErrorCode code) {
      Counter counter = invalid.get(code.ordinal());
      if (counter == null) {
        // Registering is idempotent, so two threads racing here get the same counter.
        counter = counter("invalid", code.name());
        invalid.set(code.ordinal(), counter);
      }
      return counter;
    }

    private Counter counter(String result, String code) {
      return Counter.builder(VALIDATIONS)
          .description("ID token validations by result and error code")
          .tags(tags.and(RESULT, result).and(CODE, code))
          .register(registry);
    }
  }
}
