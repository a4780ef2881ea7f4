package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The borrowed one-byte-per-character copy of a token. */
class TokenBytesTest {

  private static byte[] copy(String s) {
    TokenBytes buffer = TokenBytes.take();
    try {
      byte[] bytes = buffer.of(s);
      return bytes == null ? null : Arrays.copyOf(bytes, s.length());
    } finally {
      buffer.release();
    }
  }

  @Test
  void of_latin1_sameBytesAsIso88591() {
    for (String s : new String[] {"", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "caf\u00e9\u00ff\u0080\u0000"}) {
      assertArrayEquals(s.getBytes(StandardCharsets.ISO_8859_1), copy(s), s);
    }
  }

  @Test
  void of_characterAboveU00FF_null() {
    // U+0141 and U+012E have the low bytes of 'A' and '.': truncating them would forge a valid token.
    for (String s : new String[] {"\u0141", "abc\u0141def", "abc\u012edef", "a\ud83d\ude00b", "a\ud800", "\udc00a",
        "x".repeat(5000) + "\u0100"}) {
      assertNull(copy(s), s);
    }
  }

  @Test
  void of_shorterAfterLonger_onlyTheTokenCounts() {
    TokenBytes buffer = TokenBytes.take();
    try {
      buffer.of("y".repeat(3000));
      byte[] bytes = buffer.of("abc");
      assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 3));
      assertNull(buffer.of("ab\u0141"));
      assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(buffer.of("xyz"), 3));
    } finally {
      buffer.release();
    }
  }

  @Test
  void release_smallBufferReused_largeOneDropped() {
    // Empty the pool first: buffers other tests released may sit in any slot, this thread's included.
    List<TokenBytes> held = new ArrayList<>();
    for (int i = 0; i < SignaturePool.slotCount(); i++) {
      held.add(TokenBytes.take());
    }
    try {
      TokenBytes buffer = TokenBytes.take();
      buffer.of("a".repeat(1000));
      buffer.release();
      TokenBytes again = TokenBytes.take();
      assertSame(buffer, again, "a released buffer is the next one this thread takes");
      again.of("a".repeat(TokenBytes.KEPT_CHARS + 1));
      again.release();
      TokenBytes fresh = TokenBytes.take();
      assertNotSame(again, fresh, "a buffer grown past KEPT_CHARS is not pooled");
    } finally {
      held.forEach(TokenBytes::release);
    }
  }
}
