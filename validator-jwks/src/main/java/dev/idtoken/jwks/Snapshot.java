package dev.idtoken.jwks;

import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.VerificationKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One immutable state of the cache: the keys the provider last confirmed, where they came from, and
 * when (in ticker nanoseconds) they should be refreshed, expire, and stop being served at all.
 * Swapped atomically as a whole, so a reader never sees half an update.
 *
 * @param fetch the number of the fetch that confirmed these keys (see {@link RefreshState})
 * @param skipped the keys of the JWKS left out, and why: those the parser skipped and those below
 *     the source's RSA size floor
 * @param notModified whether this snapshot came from a 304 that renewed the previous one
 */
record Snapshot(
    long fetch,
    URI jwksUri,
    KeySet keys,
    List<KeySet.SkippedKey> skipped,
    String etag,
    Duration timeToLive,
    boolean notModified,
    long confirmedAt,
    Instant confirmedAtWall,
    long refreshAt,
    long expiresAt,
    long staleUntil) {

  /**
   * Every key when there is no {@code kid}; else the keys with that {@code kid}, or none when none of
   * them can verify {@code algorithm}: then the {@code kid} is unknown for this token, and follows the
   * unknown-{@code kid} rules (a provider may have put a new key under an old {@code kid}).
   */
  List<VerificationKey> keysFor(String kid, JwsAlgorithm algorithm) {
    if (kid == null) {
      return keys.keys();
    }
    List<VerificationKey> found = keys.keys(kid, algorithm);
    if (algorithm == null) {
      return found;
    }
    for (VerificationKey key : found) {
      if (key.fits(algorithm)) {
        return found;
      }
    }
    return List.of();
  }
}
