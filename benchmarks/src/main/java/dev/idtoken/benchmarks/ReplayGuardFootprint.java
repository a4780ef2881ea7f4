package dev.idtoken.benchmarks;

import dev.idtoken.validator.InMemoryReplayGuard;
import dev.idtoken.validator.ReplayGuardException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Heap per entry of {@link InMemoryReplayGuard}: fills one with N keys shaped like the validator's
 * (a kind letter and 43 base64url characters) and compares the heap after full collections.
 *
 * <pre>java -cp benchmarks.jar dev.idtoken.benchmarks.ReplayGuardFootprint [entries]</pre>
 */
public final class ReplayGuardFootprint {
  private ReplayGuardFootprint() {}

  /** Entry point; the optional argument is the number of entries (default 100,000). */
  public static void main(String[] args) throws ReplayGuardException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long before = usedAfterGc();
    SecureRandom random = new SecureRandom();
    String[] keys = new String[entries];
    for (int i = 0; i < entries; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      keys[i] = "p" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
    InMemoryReplayGuard guard = InMemoryReplayGuard.builder().maximumEntries(entries).build();
    Instant until = Instant.now().plusSeconds(3600);
    for (String key : keys) {
      guard.tryRecord(key, until);
    }
    keys = null; // the keys now live only in the guard: they count as part of its entries
    long after = usedAfterGc();
    System.out.printf(Locale.ROOT, "%n### InMemoryReplayGuard footprint%n%n| entries | heap (MB) | bytes/entry |%n"
        + "|---:|---:|---:|%n| %,d | %.1f | %,d |%n%n", guard.size(), (after - before) / 1e6,
        (after - before) / entries + 0L);
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
