package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs only in its own Surefire execution, where Corretto is told to skip its bundled native library
 * and finds none elsewhere (see validator-core/pom.xml): exactly what a user sees when the library
 * cannot load (another platform, a {@code noexec} temporary directory, a missing glibc).
 */
class AccpUnavailableTest {
  @Test
  void build_correttoWithoutItsNativeLibrary_throwsWithItsLoadingError() {
    // Outside its execution (say, picked by -Dtest) there is nothing to test here.
    Assumptions.assumeTrue(Boolean.getBoolean("idtoken.test.correttoUnloadable"),
        "runs in the accp-unavailable Surefire execution only");
    Throwable loadingError = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
    assertNotNull(loadingError, "this execution must run with Corretto unable to load");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> validatorFor(Fixtures.issuer()).signatureProvider(AmazonCorrettoCryptoProvider.INSTANCE).build());
    assertSame(loadingError, e.getCause());
    assertTrue(e.getMessage().contains("AmazonCorrettoCryptoProvider"), e.getMessage());
    assertTrue(e.getMessage().contains("failed to load"), e.getMessage());
  }
}
