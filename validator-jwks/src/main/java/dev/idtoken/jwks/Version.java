package dev.idtoken.jwks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library version, for the User-Agent header. */
final class Version {
  static final String USER_AGENT = "idtoken-validator/" + read();

  private Version() {}

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version", "");
        if (!version.isEmpty() && !version.startsWith("${")) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through: the header still names the library
    }
    return "unknown";
  }
}
