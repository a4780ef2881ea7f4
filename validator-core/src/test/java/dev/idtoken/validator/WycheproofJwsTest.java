package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** All 401 Wycheproof JWS cases against the signature layer, through the JDK and through Corretto. */
class WycheproofJwsTest {
  private static final String FILE = "json_web_signature_test.json";

  /**
   * Cases this library deliberately decides otherwise, each with its reason. A test below proves the
   * two contradictory ones really are byte-identical to a case Wycheproof calls valid.
   */
  static final Map<Integer, String> DELIBERATE_DEVIATIONS = Map.of(
      // Wycheproof: valid, since the MAC is computed over the literal text. But the segment holds a
      // character outside the base64url alphabet, so the header or payload cannot be decoded (RFC
      // 7515 §5.2 steps 2 and 6); refusing a JWS whose content is undefined is the safer reading.
      372, "'?' inside the header segment: not base64url, header undefined",
      373, "'?' inside the payload segment: not base64url, payload undefined",
      // Wycheproof: valid (RFC 7520 figures). The JWK says "alg":"PS256" but the token is PS384: a
      // key whose JWK alg differs from the header is never used (RFC 7517 §4.4, RFC 8725 §3.1).
      346, "PS384 token, JWK restricted to PS256",
      350, "PS384 token, JWK restricted to PS256 (with key_ops)",
      // Wycheproof: valid. The JWK says "alg":"ES521", which is no JWS algorithm (RFC 7518 §3.1 has
      // ES512): a key restricted to an unknown algorithm is used for none. Wycheproof's own JWK
      // vectors (tcId 19) also treat ES521 keys as unusable for ES256.
      347, "JWK alg ES521 is not a JWS algorithm",
      351, "JWK alg ES521 is not a JWS algorithm (with key_ops)",
      // Wycheproof: invalid, yet the JWS is byte-identical to tcId 357, which it calls valid (the
      // padding the name refers to is absent from the vector): one verdict must lose; we keep 357's.
      367, "identical to tcId 357 (valid)",
      370, "identical to tcId 357 (valid)");

  static Stream<Arguments> cases() {
    return WycheproofSupport.casesPerProvider(FILE).stream();
  }

  @ParameterizedTest(name = "{0} tcId {1}: {2}")
  @MethodSource("cases")
  void verify_wycheproofCase_matchesExpectedResult(String provider, int tcId, String comment, JsonNode group, String jws,
      boolean valid) {
    boolean expected = DELIBERATE_DEVIATIONS.containsKey(tcId) ? !valid : valid;
    assertEquals(expected, WycheproofSupport.accepts(group, jws, WycheproofSupport.signatures(provider)), "tcId " + tcId + " " + comment);
  }

  @Test
  void deviations_contradictoryCasesAreIdenticalToAValidOne() {
    Map<Integer, String> jws = new java.util.HashMap<>();
    for (Arguments args : WycheproofSupport.cases(FILE)) {
      jws.put((Integer) args.get()[0], (String) args.get()[3]);
    }
    assertEquals(jws.get(357), jws.get(367));
    assertEquals(jws.get(357), jws.get(370));
  }

  @Test
  void vectors_allCasesPresent() {
    List<Arguments> all = WycheproofSupport.cases(FILE);
    assertEquals(401, all.size());
    assertEquals(WycheproofSupport.load(FILE).get("numberOfTests").intValue(), all.size());
  }
}
