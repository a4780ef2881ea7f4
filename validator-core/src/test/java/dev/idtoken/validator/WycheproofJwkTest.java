package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 26 Wycheproof JWK-set cases: key-set parsing and key selection, through the JDK and Corretto. The two "Ambiguous" cases
 * (a set mixing secret and public keys, duplicate kids) follow Wycheproof's best-practice verdict:
 * rejected.
 */
class WycheproofJwkTest {
  private static final String FILE = "json_web_key_test.json";

  static Stream<Arguments> cases() {
    return WycheproofSupport.casesPerProvider(FILE).stream();
  }

  @ParameterizedTest(name = "{0} tcId {1}: {2}")
  @MethodSource("cases")
  void verify_wycheproofKeySetCase_matchesExpectedResult(String provider, int tcId, String comment, JsonNode group,
      String jws, boolean valid) {
    assertEquals(valid, WycheproofSupport.accepts(group, jws, WycheproofSupport.signatures(provider)), "tcId " + tcId + " " + comment);
  }

  @Test
  void vectors_allCasesPresent() {
    assertEquals(26, WycheproofSupport.cases(FILE).size());
  }
}
