package dev.idtoken.validator;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Differential fuzzing of the token path's JSON reader against databind's strict tree reader
 * (Jazzer; see {@link TokenFuzzTest} for the modes): the same verdict, the same values and node
 * types, for the whole-tree, payload and header readers ({@link JsonTest} states the contract).
 */
class JsonFuzzTest {

  @FuzzTest
  void readers_anyBytes_sameAsDatabind(byte[] input) {
    JsonTest.assertSameAsReference(input);
    JsonTest.assertHeaderSameAsReference(input);
  }
}
