package dev.idtoken.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The provider × token → verdict table: every real token the tests validated, what was expected and
 * what the library said. Printed when the test class ends and written to {@code verdicts.txt} in
 * the work directory, which CI prints. Thread-safe.
 */
final class Verdicts {
  private record Row(String provider, String token, String expected, String verdict) {}

  private final List<Row> rows = new ArrayList<>();

  synchronized void add(String provider, String token, String expected, String verdict) {
    rows.add(new Row(provider, token, expected, verdict));
  }

  synchronized String table() {
    int p = "provider".length();
    int t = "token".length();
    int e = "expected".length();
    for (Row row : rows) {
      p = Math.max(p, row.provider().length());
      t = Math.max(t, row.token().length());
      e = Math.max(e, row.expected().length());
    }
    String format = "| %-" + p + "s | %-" + t + "s | %-" + e + "s | %s%n";
    StringBuilder out = new StringBuilder(String.format(format, "provider", "token", "expected", "verdict"));
    out.append(String.format(format, "-".repeat(p), "-".repeat(t), "-".repeat(e), "-------"));
    for (Row row : rows) {
      out.append(String.format(format, row.provider(), row.token(), row.expected(), row.verdict()));
    }
    return out.toString();
  }

  synchronized void print(Path file) {
    String table = table();
    System.out.println(table);
    try {
      Files.writeString(file, table, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
