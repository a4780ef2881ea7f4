package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64UrlTest {
  @Test
  void decode_roundTripsEveryLength() {
    Random random = new Random(1);
    for (int length = 0; length < 200; length++) { // both sides of the short-segment loop's bound
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      assertArrayEquals(bytes, Base64Url.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }
  }

  @Test
  void decode_nonCanonical_returnsNull() {
    assertNull(Base64Url.decode("AB"));   // low bits of 'B' set: "AA" is the canonical form
    assertNull(Base64Url.decode("AAB"));  // likewise for two bytes
    assertNull(Base64Url.decode("A"));    // impossible length
    assertNull(Base64Url.decode("AA=="));
    assertNull(Base64Url.decode("AA AA"));
    assertNull(Base64Url.decode("AA+/"));  // standard alphabet, not URL-safe
    assertNull(Base64Url.decode("AAé"));
    assertNull(Base64Url.decode("AA=A"));  // padding inside, which the JDK's decoder treats as the end
    assertNull(Base64Url.decode("A=AA"));
    assertNull(Base64Url.decode("AAA=AAAA"));
    assertNull(Base64Url.decode("QUJD=QUJ"));
    assertNull(Base64Url.decode("=AAA"));
  }

  /** A range of a larger array decodes as the same characters alone would. */
  @Test
  void decode_range_decodesOnlyThatRange() {
    byte[] bytes = "xx.QUJD.QUI.yy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertArrayEquals("ABC".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Base64Url.decode(bytes, 3, 7));
    assertArrayEquals("AB".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Base64Url.decode(bytes, 8, 11));
    assertArrayEquals(new byte[0], Base64Url.decode(bytes, 3, 3));
    assertNull(Base64Url.decode(bytes, 2, 7)); // includes the dot
  }

  /**
   * Every UTF-16 code unit in every position of a full group and of both short tails (and in the last
   * eight positions of segments long enough for the JDK's decoder) decodes exactly
   * as the JDK's decoder does when its result re-encodes to the same text (canonical, unpadded), and
   * is refused otherwise; in particular a character above 0xFF whose low byte is in the alphabet.
   */
  @Test
  void decode_everyCharacterInEveryPosition_agreesWithCanonicalJdkDecoding() {
    // Short segments are decoded by a table loop, long ones by the JDK's decoder: both are held to it.
    String longPrefix = "QUJD".repeat(33);
    String[] templates = {"QUJD", "QUJDRA", "QUJDREU", "QUJDREVG", longPrefix + "QUJD", longPrefix + "QUJDRA",
        longPrefix + "QUJDREU", "AAAA" + longPrefix.substring(8) + "QUJDREVG"};
    for (String template : templates) {
      for (int pos = Math.max(0, template.length() - 8); pos < template.length(); pos++) {
        for (int c = 0; c <= 0xFFFF; c++) {
          String s = template.substring(0, pos) + (char) c + template.substring(pos + 1);
          byte[] expected = c > 0x7f ? null : canonicalJdkDecode(s); // the alphabet is ASCII
          byte[] actual = Base64Url.decode(s);
          if (expected == null) {
            assertNull(actual, s);
          } else {
            assertArrayEquals(expected, actual, s);
          }
        }
      }
    }
  }

  private static byte[] canonicalJdkDecode(String s) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(s);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(s) ? bytes : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
