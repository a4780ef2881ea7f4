package dev.idtoken.validator;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free cache of tokens that validated, keyed by the exact token string.
 *
 * <p>Set-associative, like a CPU cache: a token's hash picks one set of up to {@link #WAYS} slots,
 * and a lookup compares the whole token string with each occupied slot of that set, so a hash
 * collision can only cost a comparison, never a wrong hit. There is no global lock, no size counter
 * and no background work: a lookup is a few volatile reads, an insert one compare-and-set. When a set
 * is full the insert replaces the entry that expires first: an expired one if there is any, else
 * the one with the least use left. Concurrent inserts into the same slot may lose one
 * of them; that costs a later miss, nothing else.
 *
 * <p>The hash reads only the last {@link #HASHED_CHARS} characters of the token: they lie in the
 * signature, which is unpredictable for every token that can be cached (only tokens whose signature
 * verified are inserted), so the hash is cheap on a fresh request string and an attacker cannot
 * crowd a set with tokens of their choosing.
 *
 * <p>This class only stores; the rules that make a hit safe (expiry, key still published, per-call
 * checks) are in {@link IdTokenValidator}.
 */
final class VerifiedTokenCache {
  /** Slots per set. */
  static final int WAYS = 8;
  /** How many trailing characters of the token the hash reads. */
  static final int HASHED_CHARS = 16;

  /** One cached validation. Immutable. */
  static final class Entry {
    final String token;
    final int hash;
    final ValidationResult.Valid result;
    final JwsAlgorithm algorithm;
    final String kid;
    final VerificationKey key; // null for HMAC, whose secret is fixed configuration
    final Instant expiresAt;

    Entry(String token, int hash, ValidationResult.Valid result, JwsAlgorithm algorithm, String kid,
        VerificationKey key) {
      this.token = token;
      this.hash = hash;
      this.result = result;
      this.algorithm = algorithm;
      this.kid = kid;
      this.key = key;
      this.expiresAt = result.token().expiresAt();
    }

    PerCallClaims perCall() {
      return result.token().perCall;
    }
  }

  private final AtomicReferenceArray<Entry> slots;
  private final int sets;
  private final int ways;

  /** A cache of at most {@code maxEntries} entries (exactly that many slots when it divides evenly). */
  VerifiedTokenCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.ways = Math.min(WAYS, maxEntries);
    this.sets = maxEntries / ways;
    this.slots = new AtomicReferenceArray<>(sets * ways);
  }

  /** The number of slots: the most entries this cache can hold. */
  int capacity() {
    return slots.length();
  }

  static int hash(String token) {
    int h = token.length();
    for (int i = Math.max(0, token.length() - HASHED_CHARS); i < token.length(); i++) {
      h = 31 * h + token.charAt(i);
    }
    // Murmur3's finaliser, so every bit of the input reaches the set index.
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private int firstSlot(int hash) {
    return ((hash & 0x7fffffff) % sets) * ways;
  }

  /** The entry for exactly this token, or null. */
  Entry get(String token) {
    int hash = hash(token);
    int base = firstSlot(hash);
    for (int i = base; i < base + ways; i++) {
      Entry e = slots.get(i);
      if (e != null && e.hash == hash && e.token.equals(token)) {
        return e;
      }
    }
    return null;
  }

  /** Inserts a validated token, unless it is already there. */
  void put(String token, ValidationResult.Valid result, JwsAlgorithm algorithm, String kid,
      VerificationKey key) {
    int hash = hash(token);
    Entry entry = new Entry(token, hash, result, algorithm, kid, key);
    int base = firstSlot(hash);
    int empty = -1;
    int victim = -1;
    Entry victimEntry = null;
    for (int i = base; i < base + ways; i++) {
      Entry e = slots.get(i);
      if (e == null) {
        if (empty < 0) {
          empty = i;
        }
      } else if (e.hash == hash && e.token.equals(token)) {
        return;
      } else if (victimEntry == null || e.expiresAt.isBefore(victimEntry.expiresAt)) {
        // The entry that expires first: an expired one if there is any, else the one with least use left.
        victim = i;
        victimEntry = e;
      }
    }
    if (empty >= 0) {
      slots.compareAndSet(empty, null, entry);
    } else {
      slots.compareAndSet(victim, victimEntry, entry);
    }
  }

  /** Removes this entry, if it is still cached. */
  void remove(Entry entry) {
    int base = firstSlot(entry.hash);
    for (int i = base; i < base + ways; i++) {
      if (slots.compareAndSet(i, entry, null)) {
        return;
      }
    }
  }

  /** The number of occupied slots; O(capacity), for tests. */
  int size() {
    int n = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        n++;
      }
    }
    return n;
  }
}
