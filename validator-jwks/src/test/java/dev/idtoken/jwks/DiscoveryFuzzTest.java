package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the discovery document parser (Jazzer). In {@code ./mvnw verify} it
 * replays the committed seeds ({@code src/test/resources/dev/idtoken/jwks/DiscoveryFuzzTestInputs/});
 * with {@code JAZZER_FUZZ=1} it fuzzes (FUZZING.md). The invariant: metadata whose {@code jwks_uri}
 * may be fetched, or a {@link FetchException}; never another exception.
 */
class DiscoveryFuzzTest {
  private static final String ISSUER = "https://login.example.com";

  @FuzzTest
  void parse_anyDocument_metadataOrFetchException(byte[] input) {
    check(input, false);
    check(input, true);
  }

  private static void check(byte[] input, boolean allowInsecureLoopbackHttp) {
    Discovery.Metadata metadata;
    try {
      metadata = Discovery.parse(input, ISSUER, allowInsecureLoopbackHttp);
    } catch (FetchException e) {
      assertNotNull(e.getMessage());
      return;
    }
    assertNull(Urls.problem(metadata.jwksUri(), allowInsecureLoopbackHttp));
    assertNotNull(metadata.signingAlgorithms());
  }
}
