package dev.idtoken.jwks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * What a key source remembers about {@code kid}s its keys lack, both bounded in size and time:
 * when each was first seen (as the number of the last fetch started then, see
 * {@link RefreshState}), until a later fetch has answered for it; and which were confirmed absent,
 * so that they are rejected without a fetch for a while.
 *
 * <p>Thread-safe. Forgetting is always safe: a {@code kid} forgotten is seen anew, and only a fetch
 * that starts afterwards can confirm it absent, so the memory bounds can only delay a rejection,
 * never cause a wrong one.
 */
final class UnknownKids {
  private final Cache<String, Long> firstSeen;
  private final Cache<String, Boolean> absent;

  /**
   * @param pendingFor how long a first sighting is kept: long enough to span the wait for the next
   *     allowed fetch
   */
  UnknownKids(int maxKids, Duration absentFor, Duration pendingFor, Ticker ticker) {
    this.firstSeen = Caffeine.newBuilder()
        .maximumSize(maxKids)
        .expireAfterWrite(pendingFor)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
    this.absent = Caffeine.newBuilder()
        .maximumSize(maxKids)
        .expireAfterWrite(absentFor)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
  }

  /** The fetch number recorded when {@code kid} was first seen; records {@code lastStarted} if new. */
  long firstSeen(String kid, long lastStarted) {
    Long seen = firstSeen.asMap().putIfAbsent(kid, lastStarted);
    return seen == null ? lastStarted : seen;
  }

  /** Whether {@code kid} was confirmed absent recently. */
  boolean isAbsent(String kid) {
    return absent.getIfPresent(kid) != null;
  }

  /** Remembers that a fetch started after {@code kid} was first seen did not have it. */
  void confirmAbsent(String kid) {
    firstSeen.invalidate(kid);
    absent.put(kid, Boolean.TRUE);
  }

  /** Forgets everything. */
  void clear() {
    firstSeen.invalidateAll();
    absent.invalidateAll();
  }
}
