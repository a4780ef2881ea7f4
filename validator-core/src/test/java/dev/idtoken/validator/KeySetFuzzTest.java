package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testlogs.CapturingLogs;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.idtoken.testlogs.CapturingLogs;

/**
 * Coverage-guided fuzzing of {@link KeySet#parse} (Jazzer; see {@link TokenFuzzTest} for the modes).
 * The invariant: a key set or a {@link KeySetException}, never another exception, and every key it
 * keeps can be asked for by kid and algorithm.
 */
class KeySetFuzzTest {

  @FuzzTest
  void parse_anyDocument_keySetOrKeySetException(byte[] input) {
    CapturingLogs.clear(); // skipped keys are logged; the test backend would keep every line
    String json = FuzzSupport.string(input);
    KeySet keys;
    try {
      keys = KeySet.parse(json);
    } catch (KeySetException e) {
      assertNotNull(e.getMessage());
      return;
    }
    assertTrue(keys.keys().size() <= KeySet.MAX_KEYS);
    for (VerificationKey key : keys.keys()) {
      for (JwsAlgorithm alg : JwsAlgorithm.values()) {
        assertNotNull(keys.keys(key.kid().orElse(null), alg));
      }
    }
    assertNotNull(keys.skippedKeys());
    assertNotNull(keys.toString());
  }
}
