package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.idtoken.testlogs.CapturingLogs;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every {@code @FuzzTest} shares: turning the fuzzer's bytes into the strings a caller could
 * pass, and the invariants (a typed result; bounded work).
 */
final class FuzzSupport {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /**
   * Thread CPU time one call may take once the JIT has warmed up. A quadratic path on a 16 KiB token
   * costs far more; a signature check (the slowest, RSA-4096 or P-521) far less.
   */
  static final long MAX_CPU_NANOS = Long.getLong("idtoken.fuzz.maxCpuMillis", 20) * 1_000_000;
  /** Calls before the bound applies: the first ones run interpreted and load classes. */
  private static final long WARM_UP = 20_000;
  /** The bound before that: generous, for interpreted code, but still far below a quadratic path. */
  private static final long COLD_CPU_NANOS = 1_000_000_000L;
  private static final AtomicLong CALLS = new AtomicLong();

  private FuzzSupport() {}

  /**
   * The fuzzer's bytes as a Java string: UTF-8 where well formed, with two escapes so that any UTF-16
   * string can be reached: {@code 0xFE hi lo} is the code unit {@code hi lo} (a lone surrogate, say),
   * and any other ill-formed byte is the character of the same value (as ISO-8859-1 would read it).
   */
  static String string(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        i++;
      } else if (b == 0xFE && i + 2 < bytes.length) {
        out.append((char) (((bytes[i + 1] & 0xFF) << 8) | (bytes[i + 2] & 0xFF)));
        i += 3;
      } else {
        int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        String decoded = length > 1 && i + length <= bytes.length ? utf8(bytes, i, length) : null;
        if (decoded != null) {
          out.append(decoded);
          i += length;
        } else {
          out.append((char) b);
          i++;
        }
      }
    }
    return out.toString();
  }

  private static String utf8(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Runs {@code call} and checks its result is one of the typed outcomes and that it did bounded
   * work; any exception or error (an {@code OutOfMemoryError} included) escapes to the fuzzer as a
   * finding.
   */
  static ValidationResult typed(Supplier<ValidationResult> call) {
    // The test logging backend keeps every line; over millions of inputs that alone would exhaust
    // the heap and make calls slow.
    CapturingLogs.clear();
    long start = THREADS.getCurrentThreadCpuTime();
    ValidationResult result = call.get();
    long spent = THREADS.getCurrentThreadCpuTime() - start;
    assertNotNull(result, "validate returned null");
    if (!(result instanceof ValidationResult.Valid) && !(result instanceof ValidationResult.Invalid)) {
      // Keys come from memory here, so Unavailable (or an internal failure) means a defect.
      fail("not a verdict on the token: " + result);
    }
    if (result instanceof ValidationResult.Invalid invalid) {
      assertTrue(invalid.errors().stream().allMatch(e -> e.code() != null && e.message() != null));
    }
    long bound = CALLS.incrementAndGet() > WARM_UP ? MAX_CPU_NANOS : COLD_CPU_NANOS;
    if (spent > bound) {
      // A slow input is slow every time; a one-off (a JIT deoptimisation, a page fault on a loaded
      // machine) is not. Only an input slow twice in a row is a finding.
      long again = THREADS.getCurrentThreadCpuTime();
      call.get();
      long second = THREADS.getCurrentThreadCpuTime() - again;
      if (second > bound) {
        fail("validate took " + spent / 1_000_000 + " ms, then " + second / 1_000_000 + " ms of CPU time");
      }
    }
    return result;
  }
}
