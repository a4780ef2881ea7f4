package dev.idtoken.spring.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The root README's Spring Boot quick start, read so that the tests run exactly what it shows. */
final class Readme {
  static final String SECTION = "## Spring Boot";

  private Readme() {}

  /** The {@code properties} block of the Spring Boot section, in order. */
  static Map<String, String> springBootProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    for (String line : block("```properties\n").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      properties.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    return properties;
  }

  /** The {@code xml} block (the Maven dependency) of the Spring Boot section. */
  static String springBootDependency() {
    return block("```xml\n");
  }

  private static String block(String fence) {
    String readme = read();
    int section = readme.indexOf("\n" + SECTION + "\n");
    if (section < 0) {
      throw new IllegalStateException("README has no '" + SECTION + "' section");
    }
    int start = readme.indexOf(fence, section);
    int nextSection = readme.indexOf("\n## ", section + 1);
    if (start < 0 || (nextSection >= 0 && start > nextSection)) {
      throw new IllegalStateException("no " + fence.trim() + " block in the README's '" + SECTION + "' section");
    }
    start += fence.length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  private static String read() {
    // Surefire runs in validator-spring-boot-it/boot3 or boot4.
    Path path = Path.of("..", "..", "README.md");
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
    }
  }
}
