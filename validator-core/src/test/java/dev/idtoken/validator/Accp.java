package dev.idtoken.validator;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Amazon Corretto Crypto Provider for the tests that run through it. Its test dependency is the
 * {@code linux-x86_64} build, so on any other platform those tests are skipped; on Linux x86-64
 * (CI) a provider that did not load fails them, with its loading error, rather than skipping.
 */
final class Accp {
  private Accp() {}

  static boolean platformSupported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** The loaded provider (not installed in the JVM's provider list). */
  static Provider provider() {
    Assumptions.assumeTrue(platformSupported(), "the test dependency is Corretto's linux-x86_64 build");
    Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
    if (error != null) {
      throw new IllegalStateException("Amazon Corretto Crypto Provider did not load", error);
    }
    return AmazonCorrettoCryptoProvider.INSTANCE;
  }
}
