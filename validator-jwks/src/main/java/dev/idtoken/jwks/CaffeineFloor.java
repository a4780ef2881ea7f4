package dev.idtoken.jwks;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;

/**
 * The lowest Caffeine this module supports, checked once when a key source is built (the core
 * module checks its own libraries the same way). Caffeine's jar has no Maven metadata; its manifest's
 * {@code Bundle-Version} is the version. An unreadable version is given the benefit of the doubt.
 */
final class CaffeineFloor {
  static final String FLOOR = "3.0.0";

  private static final String PROBLEM = problem(manifestVersion(Caffeine.class), FLOOR);

  private CaffeineFloor() {}

  /** @throws IllegalStateException naming the version found and the one needed, if older */
  static void requireSupported() {
    if (PROBLEM != null) {
      throw new IllegalStateException(PROBLEM);
    }
  }

  static String problem(String found, String floor) {
    if (found == null || compare(found, floor) >= 0) {
      return null;
    }
    return "caffeine " + found + " is on the class path, but idtoken needs caffeine " + floor
        + " or later (see the README, Supported versions)";
  }

  private static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(number(x, i), number(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static int number(String[] parts, int i) {
    int n = 0;
    for (int j = 0; i < parts.length && j < parts[i].length() && Character.isDigit(parts[i].charAt(j))
        && n < 100_000; j++) {
      n = n * 10 + (parts[i].charAt(j) - '0');
    }
    return n;
  }

  static String manifestVersion(Class<?> type) {
    URL self = type.getResource(type.getSimpleName() + ".class");
    if (self == null || !"jar".equals(self.getProtocol())) {
      return null;
    }
    String url = self.toString();
    try (InputStream in = new URL(url.substring(0, url.indexOf("!/") + 2) + "META-INF/MANIFEST.MF").openStream()) {
      String version = new Manifest(in).getMainAttributes().getValue("Bundle-Version");
      return version == null ? null : version.trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
