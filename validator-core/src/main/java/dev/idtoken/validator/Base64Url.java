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
    if (len <= SHORT) {
      return decodeShort(b, from, to, expected);
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

  // Up to this many characters (a header, an ECDSA or EdDSA signature) a table loop straight into
  // the result is as fast as the JDK's decoder, and allocates only the result: the decoder's
  // ByteBuffer form costs two buffer objects (96 bytes) per segment.
  private static final int SHORT = 128;

  private static byte[] decodeShort(byte[] b, int from, int to, int expected) {
    byte[] out = new byte[expected];
    int o = 0;
    int i = from;
    for (; i + 4 <= to; i += 4) {
      // A character outside the alphabet is -1, which makes the whole word negative.
      int v = VALUES[b[i] & 0xff] << 18 | VALUES[b[i + 1] & 0xff] << 12
          | VALUES[b[i + 2] & 0xff] << 6 | VALUES[b[i + 3] & 0xff];
      if (v < 0) {
        return null;
      }
      out[o++] = (byte) (v >> 16);
      out[o++] = (byte) (v >> 8);
      out[o++] = (byte) v;
    }
    int rem = to - i;
    if (rem == 2) {
      int v = VALUES[b[i] & 0xff] << 6 | VALUES[b[i + 1] & 0xff];
      if (v < 0) {
        return null;
      }
      out[o] = (byte) (v >> 4);
    } else if (rem == 3) {
      int v = VALUES[b[i] & 0xff] << 12 | VALUES[b[i + 1] & 0xff] << 6 | VALUES[b[i + 2] & 0xff];
      if (v < 0) {
        return null;
      }
      out[o++] = (byte) (v >> 10);
      out[o] = (byte) (v >> 2);
    }
    return out;
  }

  static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
