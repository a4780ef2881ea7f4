package dev.idtoken.validator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet only, no padding, no whitespace,
 * and the unused low bits of the last character zero, so every byte string has exactly one encoding
 * and a token cannot be altered without changing its bytes.
 */
final class Base64Url {
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final byte[] VALUES = values(); // a byte's 6-bit value, or -1 outside the alphabet
  // The JDK's decoder is intrinsified on common CPUs (several times faster than a Java loop on long
  // input). It is lenient in two ways this class closes: it accepts '=' padding, and ignores the
  // unused bits of the last character.
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private static byte[] values() {
    byte[] values = new byte[256];
    Arrays.fill(values, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      values[ALPHABET.charAt(i)] = (byte) i;
    }
    return values;
  }

  private Base64Url() {}

  /** Decodes {@code s}, or returns null when it is not canonical base64url. */
  static byte[] decode(String s) {
    // A character above U+00FF becomes '?' and one in U+0080..U+00FF a negative byte: both refused.
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes the characters {@code b[from, to)} (one byte each, as from {@code ISO_8859_1}), or returns
   * null when they are not canonical base64url.
   */
  static byte[] decode(byte[] b, int from, int to) {
    int len = to - from;
    int rem = len & 3;
    if (rem == 1) {
      return null; // six bits cannot end a byte
    }
    int expected = (len >> 2) * 3 + (rem == 0 ? 0 : rem - 1);
    if (len > 0) {
      // The last character is in the alphabet (so not padding), with its unused bits zero.
      int last = VALUES[b[to - 1] & 0xff];
      if (last < 0 || (rem == 2 && (last & 0x0f) != 0) || (rem == 3 && (last & 0x03) != 0)) {
        return null;
      }
    }
    try {
      // Any other character outside the alphabet, '=' included, makes the decoder throw. The
      // length check guards against a decoder that stopped early at padding instead.
      ByteBuffer out = DECODER.decode(ByteBuffer.wrap(b, from, len));
      byte[] bytes = out.array();
      return out.arrayOffset() == 0 && out.remaining() == expected && bytes.length == expected
          ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
