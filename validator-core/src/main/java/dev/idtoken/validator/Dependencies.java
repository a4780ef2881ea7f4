package dev.idtoken.validator;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Properties;
import java.util.jar.Manifest;

/**
 * The lowest versions of the libraries this module calls, checked once, at {@code build()}: an older
 * jackson-databind on the class path (Spring Boot 3.2 brings 2.15) would otherwise surface as a
 * {@code NoSuchMethodError} on the first request. Versions come from the libraries' own version
 * classes or their jar metadata; a library whose version cannot be read (a shaded copy, say) is
 * given the benefit of the doubt. The floors are what CI tests with ({@code -Pfloors}).
 */
final class Dependencies {
  static final String JACKSON_FLOOR = "2.16.0"; // StreamReadConstraints.maxNameLength
  static final String JOSE4J_FLOOR = "0.9.4"; // the first without the PBES2 p2c denial of service
  static final String SLF4J_FLOOR = "2.0.0"; // the service-provider binding that applications use now

  private static final String PROBLEM = findProblem();

  private Dependencies() {}

  /**
   * @throws IllegalStateException naming the library, the version found and the version needed, if
   *     one on the class path is older than this module supports
   */
  static void requireSupported() {
    if (PROBLEM != null) {
      throw new IllegalStateException(PROBLEM);
    }
  }

  private static String findProblem() {
    try {
      String problem = problem("jackson-databind", jackson(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION),
          JACKSON_FLOOR);
      if (problem == null) {
        problem = problem("jackson-core", jackson(com.fasterxml.jackson.core.json.PackageVersion.VERSION), JACKSON_FLOOR);
      }
      if (problem == null) {
        problem = problem("jose4j", version(org.jose4j.lang.JoseException.class, "org.bitbucket.b_c/jose4j"),
            JOSE4J_FLOOR);
      }
      if (problem == null) {
        problem = problem("slf4j-api", version(org.slf4j.LoggerFactory.class, "org.slf4j/slf4j-api"), SLF4J_FLOOR);
      }
      return problem;
    } catch (LinkageError e) {
      // A version class itself is missing: far older than any floor, or the library is absent.
      return "a required library is missing or too old (" + e.getClass().getSimpleName() + " " + e.getMessage()
          + "): idtoken needs jackson-databind " + JACKSON_FLOOR + ", jose4j " + JOSE4J_FLOOR + " and slf4j-api "
          + SLF4J_FLOOR + " or later";
    }
  }

  private static String jackson(com.fasterxml.jackson.core.Version v) {
    return v.isUnknownVersion() ? null : v.getMajorVersion() + "." + v.getMinorVersion() + "." + v.getPatchLevel();
  }

  /** Null when {@code found} (null: unknown) is at least {@code floor}, else the message. */
  static String problem(String library, String found, String floor) {
    if (found == null || compare(found, floor) >= 0) {
      return null;
    }
    return library + " " + found + " is on the class path, but idtoken needs " + library + " " + floor
        + " or later (see the README, Supported versions)";
  }

  /** Compares dotted versions by their leading numbers ("2.16.0-rc1" counts as 2.16.0). */
  static int compare(String a, String b) {
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
    if (i >= parts.length) {
      return 0;
    }
    int n = 0;
    for (int j = 0; j < parts[i].length() && Character.isDigit(parts[i].charAt(j)) && n < 100_000; j++) {
      n = n * 10 + (parts[i].charAt(j) - '0');
    }
    return n;
  }

  /**
   * The version of the library {@code type} comes from: its Maven {@code pom.properties}, else its
   * jar manifest ({@code Bundle-Version}, {@code Implementation-Version}); null when neither says.
   */
  static String version(Class<?> type, String groupSlashArtifact) {
    try (InputStream in = type.getResourceAsStream("/META-INF/maven/" + groupSlashArtifact + "/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null) {
          return version.trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the manifest.
    }
    return manifestVersion(type);
  }

  /** The {@code Bundle-Version} or {@code Implementation-Version} of the jar that holds {@code type}. */
  static String manifestVersion(Class<?> type) {
    URL self = type.getResource(type.getSimpleName() + ".class");
    if (self == null || !"jar".equals(self.getProtocol())) {
      return null;
    }
    String url = self.toString();
    try (InputStream in = new URL(url.substring(0, url.indexOf("!/") + 2) + "META-INF/MANIFEST.MF").openStream()) {
      Manifest manifest = new Manifest(in);
      String version = manifest.getMainAttributes().getValue("Bundle-Version");
      if (version == null) {
        version = manifest.getMainAttributes().getValue("Implementation-Version");
      }
      return version == null ? null : version.trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
