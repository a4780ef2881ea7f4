package dev.idtoken.validator;

import java.time.Instant;

/**
 * Remembers which ID tokens were already used, for a login exchange that must accept each token once
 * (OpenID Connect Core 1.0 §3.1.3.7 step 11 asks the client to refuse a replayed nonce; a back end
 * that never saw the nonce can still refuse a second use of the token).
 *
 * <p>Enable it per call with {@link Expectations.Builder#oneTimeUse(ReplayGuard)} on the login
 * endpoint only. The validator consults the guard after every other check passed, so bad tokens never
 * reach it, and a verified-token cache hit is still checked against it.
 *
 * <p>Implementations must be thread-safe, and {@link #tryRecord} must be atomic across every
 * validator (every instance of the service) that shares the guard's store: of any number of
 * concurrent calls with the same key, exactly one returns {@code true}. This module ships
 * {@link InMemoryReplayGuard} (one process); {@code validator-redis} shares one store between
 * instances.
 */
public interface ReplayGuard {
  /**
   * Records {@code key} until {@code keepUntil}, unless it is already recorded.
   *
   * <p>The key is an opaque ASCII string of at most 64 characters derived by the validator from the
   * verified token (never the token itself, and no claim value in clear). {@code keepUntil} is the
   * token's {@code exp} plus the validator's clock skew: until then, the validator would accept the
   * token again.
   *
   * @return {@code true} if the key was not recorded and now is (the first use); {@code false} if it
   *     was already recorded and has not expired (a replay)
   * @throws ReplayGuardException if the store could not answer (down, slow, full): the validator
   *     answers {@link ValidationResult.Unavailable} and never accepts the token on that call
   */
  boolean tryRecord(String key, Instant keepUntil) throws ReplayGuardException;
}
