package dev.idtoken.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where the build put the providers (system properties set by the pom), free ports, and the JDK Keycloak needs. */
final class Interop {
  private Interop() {}

  static Path requiredPath(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property
          + " is not set: run the interop tests through Maven (./mvnw verify)");
    }
    Path path = Path.of(value);
    if (!Files.exists(path)) {
      throw new IllegalStateException(property + " points to " + path
          + ", which does not exist: the build's install steps did not run");
    }
    return path;
  }

  static Path workDir() {
    Path dir = Path.of(System.getProperty("interop.work.dir", "target/interop-work"));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port nothing listens on at this moment, on 127.0.0.1. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  /**
   * A JDK of version 21 or later for Keycloak: {@code $KEYCLOAK_JAVA_HOME}, this JVM, {@code
   * $JAVA_HOME}, or the newest under {@code /usr/lib/jvm}.
   *
   * @throws IllegalStateException if there is none, saying what to install
   */
  static Path java21Home() {
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getenv("KEYCLOAK_JAVA_HOME");
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    }
    candidates.add(Path.of(System.getProperty("java.home")));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Path.of(javaHome));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.sorted(Comparator.comparingInt(Interop::featureVersion).reversed()).forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (Path home : candidates) {
      if (featureVersion(home) >= 21 && Files.isExecutable(home.resolve("bin/java"))) {
        return home;
      }
    }
    throw new IllegalStateException("Keycloak needs Java 21 or later and none was found (looked at "
        + candidates + "); install one (Debian: apt-get install openjdk-21-jdk-headless, or any"
        + " Temurin 21+) or set KEYCLOAK_JAVA_HOME");
  }

  /** The feature version in a JDK's {@code release} file, or 0. */
  private static int featureVersion(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          String feature = version.split("[.+-]")[0];
          return Integer.parseInt(feature);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
