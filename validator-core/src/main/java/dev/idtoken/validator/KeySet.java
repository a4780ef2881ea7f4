package dev.idtoken.validator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable set of verification keys: the parsed form of a JSON Web Key Set (RFC 7517 §5), and
 * the static {@link KeySource}.
 *
 * <p>Thread-safe. Parsing is strict about the set and lenient about single keys: a set that is not
 * JSON, has no {@code keys} array, holds more than {@link #MAX_KEYS} keys or contains any private or
 * symmetric key material is refused with a {@link KeySetException}; a key that cannot be used for
 * signatures ({@code use: enc}, an unknown {@code kty} or {@code alg}, bad or weak parameters, a
 * {@code kid} shared with another key of the same type) is left out and listed in {@link #skippedKeys()}, so one odd
 * key does not take the others down.
 */
public final class KeySet implements KeySource {
  /** The most keys a set may hold; real providers publish a handful. */
  public static final int MAX_KEYS = 100;

  private static final KeySet EMPTY = new KeySet(List.of(), List.of());

  /** Why a JWK was left out of the set. */
  public enum SkipReason {
    /** {@code use} is not {@code sig}, or {@code key_ops} lacks {@code verify}. */
    NOT_FOR_SIGNATURES,
    /** A {@code kty} or curve this library does not verify with. */
    UNSUPPORTED_KEY_TYPE,
    /** The JWK {@code alg} is not a supported signature algorithm, or does not fit the key. */
    UNSUPPORTED_ALGORITHM,
    /** Missing or malformed members, or an EC point that is not on its curve. */
    INVALID_PARAMETERS,
    /**
     * An RSA key under 2048 bits or over 8192, with a public exponent that is even, under 3 or over
     * 32 bits, or with the ROCA fingerprint.
     */
    WEAK_KEY,
    /** Another usable key of the same type has the same {@code kid}, so the {@code kid} is ambiguous. */
    DUPLICATE_KID
  }

  /**
   * A key that was left out, with its {@code kid} (null when it had none) and the reason.
   *
   * @param kid the key's {@code kid}, or null
   * @param reason why it was left out
   */
  public record SkippedKey(String kid, SkipReason reason) {
    /** Checks the reason is present. */
    public SkippedKey {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final List<VerificationKey> keys;
  private final List<SkippedKey> skipped;
  private final Map<String, List<VerificationKey>> byKid;

  private KeySet(List<VerificationKey> keys, List<SkippedKey> skipped) {
    this.keys = List.copyOf(keys);
    this.skipped = List.copyOf(skipped);
    Map<String, List<VerificationKey>> index = new HashMap<>();
    for (VerificationKey key : this.keys) {
      if (key.kidOrNull() != null) {
        index.computeIfAbsent(key.kidOrNull(), k -> new ArrayList<>(1)).add(key);
      }
    }
    index.replaceAll((kid, list) -> List.copyOf(list));
    this.byKid = Map.copyOf(index);
  }

  static KeySet build(List<VerificationKey> keys, List<SkippedKey> skipped) {
    return new KeySet(keys, skipped);
  }

  /**
   * Parses a JWK set document.
   *
   * @throws NullPointerException if {@code json} is null
   * @throws KeySetException if the document is unusable as a whole
   */
  public static KeySet parse(String json) throws KeySetException {
    Objects.requireNonNull(json, "json");
    return Jwks.parseSet(json);
  }

  /**
   * Reads and parses a JWK set file (UTF-8).
   *
   * @throws IOException if the file cannot be read
   * @throws KeySetException if the document is unusable as a whole
   */
  public static KeySet fromFile(Path file) throws IOException, KeySetException {
    Objects.requireNonNull(file, "file");
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * A set of the given keys.
   *
   * @throws IllegalArgumentException if two keys of the same type share a {@code kid}
   */
  public static KeySet of(VerificationKey... keys) {
    List<VerificationKey> list = new ArrayList<>(Arrays.asList(keys));
    Map<String, VerificationKey> seen = new HashMap<>();
    for (VerificationKey key : list) {
      Objects.requireNonNull(key, "key");
      if (key.kidOrNull() != null && seen.put(key.kidOrNull() + '\u0000' + key.keyType(), key) != null) {
        throw new IllegalArgumentException("duplicate kid: " + key.kidOrNull());
      }
    }
    return new KeySet(list, List.of());
  }

  /** The empty set. */
  public static KeySet empty() {
    return EMPTY;
  }

  /** The usable keys, in document order. */
  public List<VerificationKey> keys() {
    return keys;
  }

  /** The keys that were left out, and why. */
  public List<SkippedKey> skippedKeys() {
    return skipped;
  }

  /** The key with this {@code kid}, if there is exactly one (keys of different types may share one). */
  public Optional<VerificationKey> key(String kid) {
    List<VerificationKey> found = byKid.get(kid);
    return found == null || found.size() != 1 ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Every key when {@code kid} is null, else the key with that {@code kid} (or none). */
  @Override
  public List<VerificationKey> keys(String kid, JwsAlgorithm algorithm) {
    if (kid == null) {
      return keys;
    }
    return byKid.getOrDefault(kid, Collections.emptyList());
  }

  @Override
  public String toString() {
    return "KeySet[keys=" + keys + ", skipped=" + skipped + "]";
  }
}
