package dev.idtoken.jwks;

import dev.idtoken.validator.KeySet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * One immutable state of the cache: the keys the provider last confirmed, where they came from, and
 * when (in ticker nanoseconds) they should be refreshed, expire, and stop being served at all.
 * Swapped atomically as a whole, so a reader never sees half an update.
 *
 * @param notModified whether this snapshot came from a 304 that renewed the previous one
 */
record Snapshot(
    URI jwksUri,
    KeySet keys,
    String etag,
    Duration timeToLive,
    boolean notModified,
    long confirmedAt,
    Instant confirmedAtWall,
    long refreshAt,
    long expiresAt,
    long staleUntil) {}
