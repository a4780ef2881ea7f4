package dev.idtoken.validator;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A token's characters as bytes, one per character, in a buffer borrowed for one validation: the
 * segments are decoded from it and the signing input is verified straight out of it, so a cold
 * validation does not allocate a copy of the token (0.9 KB for a typical ID token, a third of what
 * the library itself allocated per token).
 *
 * <p>Buffers are pooled in slots as {@link SignaturePool}'s verifiers are, not in a
 * {@code ThreadLocal} (a virtual thread per request would never reuse one), taken out for one
 * validation so no two threads share one, and put back afterwards. Nothing read from the buffer may
 * outlive the validation: decoding copies, and JCA providers copy or digest what {@code update}
 * gives them. Buffers for tokens longer than {@link #KEPT_CHARS} are not kept.
 *
 * <p>The copy is as strict as {@code String.getBytes(ISO_8859_1)} and as fast on long input (both
 * steps are JDK intrinsics), without its allocation: a character above U+00FF (a surrogate
 * included) makes it fail rather than becoming a '?' or losing its high byte.
 */
final class TokenBytes {
  static final int KEPT_CHARS = 16 * 1024;
  private static final int SLOTS = SignaturePool.slotCount();
  private static final AtomicReferenceArray<TokenBytes> POOL = new AtomicReferenceArray<>(SLOTS);

  private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
  private char[] chars = new char[0];
  private byte[] bytes = new byte[0];
  private CharBuffer in = CharBuffer.wrap(chars);
  private ByteBuffer out = ByteBuffer.wrap(bytes);

  private TokenBytes() {}

  /** A buffer for this thread to use until {@link #release()}. */
  static TokenBytes take() {
    int home = SignaturePool.home();
    for (int i = 0; i < SLOTS; i++) {
      int slot = (home + i) & (SLOTS - 1);
      if (POOL.get(slot) != null) {
        TokenBytes buffer = POOL.getAndSet(slot, null);
        if (buffer != null) {
          return buffer;
        }
      }
    }
    return new TokenBytes();
  }

  /**
   * The characters of {@code token} as bytes in {@code [0, token.length())} of the returned array
   * (which may be longer), or null when a character is above U+00FF. Valid until {@link #release()}.
   */
  byte[] of(String token) {
    int n = token.length();
    if (chars.length < n) {
      int size = Math.max(n, Math.min(2 * chars.length, Integer.MAX_VALUE - 8)); // amortised growth
      chars = new char[size];
      bytes = new byte[size];
      in = CharBuffer.wrap(chars);
      out = ByteBuffer.wrap(bytes);
    }
    token.getChars(0, n, chars, 0);
    in.clear().limit(n);
    out.clear();
    latin1.reset();
    CoderResult result = latin1.encode(in, out, true);
    return result.isUnderflow() && out.position() == n ? bytes : null;
  }

  /** Returns the buffer to the pool (or drops it, when the pool is full or the buffer large). */
  void release() {
    if (chars.length > KEPT_CHARS) {
      return;
    }
    int home = SignaturePool.home();
    for (int i = 0; i < SLOTS; i++) {
      int slot = (home + i) & (SLOTS - 1);
      if (POOL.get(slot) == null && POOL.compareAndSet(slot, null, this)) {
        return;
      }
    }
  }
}
