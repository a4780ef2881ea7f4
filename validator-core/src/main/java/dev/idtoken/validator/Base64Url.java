package dev.idtoken.validator;

import java.util.Arrays;

/**
 * Strict base64url (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet only, no padding, no whitespace,
 * and the unused low bits of the last character zero, so every byte string has exactly one encoding
 * and a token cannot be altered without changing its bytes.
 */
final class Base64Url {
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final byte[] DECODE = new byte[128];

  static {
    Arrays.fill(DECODE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DECODE[ALPHABET[i]] = (byte) i;
    }
  }

  private Base64Url() {}

  /** Decodes {@code s}, or returns null when it is not canonical base64url. */
  static byte[] decode(String s) {
    return decode(s, 0, s.length());
  }

  /** Decodes {@code s[from, to)}, or returns null when it is not canonical base64url. */
  static byte[] decode(String s, int from, int to) {
    int len = to - from;
    int rem = len & 3;
    if (rem == 1) {
      return null;
    }
    byte[] out = new byte[(len / 4) * 3 + (rem == 0 ? 0 : rem - 1)];
    int o = 0;
    int i = from;
    int fullEnd = from + (len - rem);
    while (i < fullEnd) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = value(s.charAt(i + 2));
      int d = value(s.charAt(i + 3));
      if ((a | b | c | d) < 0) {
        return null;
      }
      int bits = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
      i += 4;
    }
    if (rem == 2) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      if ((a | b) < 0 || (b & 0x0f) != 0) {
        return null;
      }
      out[o] = (byte) ((a << 2) | (b >> 4));
    } else if (rem == 3) {
      int a = value(s.charAt(i));
      int b = value(s.charAt(i + 1));
      int c = value(s.charAt(i + 2));
      if ((a | b | c) < 0 || (c & 0x03) != 0) {
        return null;
      }
      int bits = (a << 12) | (b << 6) | c;
      out[o++] = (byte) (bits >> 10);
      out[o] = (byte) (bits >> 2);
    }
    return out;
  }

  private static int value(char c) {
    return c < 128 ? DECODE[c] : -1;
  }

  static String encode(byte[] bytes) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
