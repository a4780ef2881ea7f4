/**
 * Micrometer metrics for the ID token validator, with bounded tags: an {@code issuer} tag only
 * from the issuers the application configured, a {@code result} and an error {@code code} from
 * fixed enumerations, and never a {@code kid}, a token or a claim value.
 *
 * <ul>
 *   <li>{@link dev.idtoken.micrometer.KeySourceMetrics}: a {@code KeySourceListener} counting
 *       fetches by outcome, key changes, stale keys served, rate-limited refreshes and unknown
 *       {@code kid} rejections.
 *   <li>{@link dev.idtoken.micrometer.KeySourceHealthMetrics}: gauges over
 *       {@code KeySourceHealth}: key count, key age, consecutive failures, status.
 *   <li>{@link dev.idtoken.micrometer.ValidationMetrics}: validations by result and error code.
 * </ul>
 */
package dev.idtoken.micrometer;
