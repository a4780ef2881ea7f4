/**
 * Micrometer metrics for the ID token validator. Start with
 * {@link dev.idtoken.micrometer.KeySourceMetrics}, {@link dev.idtoken.micrometer.KeySourceHealthMetrics}
 * and {@link dev.idtoken.micrometer.ValidationMetrics}.
 *
 * <p>Micrometer's types appear in this module's API ({@code MeterRegistry}, {@code MeterBinder}),
 * so it is read transitively, as are the validator's and the key source's.
 */
module dev.idtoken.micrometer {
  requires transitive dev.idtoken.validator;
  requires transitive dev.idtoken.jwks;
  requires transitive micrometer.core;

  exports dev.idtoken.micrometer;
}
