package dev.idtoken.validator;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * A token's characters as bytes, one per character, in a buffer borrowed for one validation: the
 * segments are decoded from it and the signing input is verified straight out of it, so a cold
 * validation does not allocate a copy of the token (0.9 KB for a typical ID token, a third of what
 * the library itself allocated per token).
 *
 * <p>Buffers are pooled in {@link Slots}, as verifiers are, taken out for one validation so no two
 * threads share one, and put back afterwards. Nothing read from the buffer may
 * outlive the validation: decoding copies, and JCA providers copy or digest what {@code update}
 * gives them. Buffers for tokens longer than {@link #KEPT_CHARS} are not kept.
 *
 * <p>The copy is as strict as {@code String.getBytes(ISO_8859_1)} and as fast on long input (both
 * steps are JDK intrinsics), without its allocation: a character above U+00FF (a surrogate
 * included) makes it fail rather than becoming a '?' or losing its high byte.
 */
final class TokenBytes {
  static final int KEPT_CHARS = 16 * 1024;
  private static final Slots<TokenBytes> POOL = new Slots<>();

  private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
  private char[] chars = new char[0];
  private byte[] bytes = new byte[0];
  private CharBuffer in = CharBuffer.wrap(chars);
  private ByteBuffer out = ByteBuffer.wrap(bytes);

  private TokenBytes() {}

  /** A buffer for this thread to use until {@link #release()}. */
  static TokenBytes take() {
    TokenBytes buffer = POOL.take(Slots.home());
    return buffer != null ? buffer : new TokenBytes();
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
    if (chars.length <= KEPT_CHARS) {
      POOL.giveBack(Slots.home(), this);
    }
  }
}
