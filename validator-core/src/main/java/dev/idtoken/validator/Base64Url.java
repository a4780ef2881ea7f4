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
  // Decoding tables indexed by a character's low 8 bits (characters above 0xFF are refused before
  // any lookup): the character's 6-bit value already shifted to its place in a 24-bit group, so a
  // group of four is DECODE_0[a] | DECODE_1[b] | DECODE_2[c] | DECODE_3[d]. A character outside the
  // alphabet maps to -1 (all bits set), which makes the whole group negative: one sign test checks
  // all four. Tables of exactly 256 entries indexed by (c & 0xFF) need no bounds checks.
  private static final int[] DECODE_0 = table(18);
  private static final int[] DECODE_1 = table(12);
  private static final int[] DECODE_2 = table(6);
  private static final int[] DECODE_3 = table(0);

  private static int[] table(int shift) {
    int[] table = new int[256];
    Arrays.fill(table, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      table[ALPHABET[i]] = i << shift;
    }
    return table;
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
    int groups = len >> 2;
    byte[] out = new byte[groups * 3 + (rem == 0 ? 0 : rem - 1)];
    // A counted loop with indexes linear in g, so the JIT can hoist the range checks of charAt and out.
    for (int g = 0; g < groups; g++) {
      int i = from + 4 * g;
      char a = s.charAt(i);
      char b = s.charAt(i + 1);
      char c = s.charAt(i + 2);
      char d = s.charAt(i + 3);
      int bits = DECODE_0[a & 0xff] | DECODE_1[b & 0xff] | DECODE_2[c & 0xff] | DECODE_3[d & 0xff];
      if (bits < 0 || (a | b | c | d) > 0xff) {
        return null;
      }
      int o = 3 * g;
      out[o] = (byte) (bits >> 16);
      out[o + 1] = (byte) (bits >> 8);
      out[o + 2] = (byte) bits;
    }
    int i = from + 4 * groups;
    int o = 3 * groups;
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
      out[o] = (byte) (bits >> 10);
      out[o + 1] = (byte) (bits >> 2);
    }
    return out;
  }

  private static int value(char c) {
    return c <= 0xff ? DECODE_3[c] : -1;
  }

  static String encode(byte[] bytes) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
