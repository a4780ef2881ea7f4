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
    for (int length = 0; length < 100; length++) {
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
  }
}
