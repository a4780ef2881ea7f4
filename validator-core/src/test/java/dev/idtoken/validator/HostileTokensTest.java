package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idtoken.testkit.Hostile;
import dev.idtoken.testkit.TestIssuer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every hostile token of the test kit fails with its own specific reason. */
class HostileTokensTest {
  private static final Map<Hostile, ErrorCode[]> EXPECTED = new EnumMap<>(Hostile.class);

  static {
    EXPECTED.put(Hostile.EXPIRED, codes(ErrorCode.EXPIRED));
    EXPECTED.put(Hostile.NOT_YET_VALID, codes(ErrorCode.NOT_YET_VALID));
    EXPECTED.put(Hostile.ISSUED_IN_FUTURE, codes(ErrorCode.ISSUED_IN_FUTURE));
    EXPECTED.put(Hostile.WRONG_ISSUER, codes(ErrorCode.ISSUER_MISMATCH));
    EXPECTED.put(Hostile.WRONG_AUDIENCE, codes(ErrorCode.AUDIENCE_MISMATCH));
    EXPECTED.put(Hostile.EXTRA_AUDIENCE_WITHOUT_AZP, codes(ErrorCode.UNTRUSTED_AUDIENCE, ErrorCode.MISSING_CLAIM));
    EXPECTED.put(Hostile.MISSING_SUBJECT, codes(ErrorCode.MISSING_CLAIM));
    EXPECTED.put(Hostile.ALG_NONE_UNSIGNED, codes(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.ALG_NONE_WITH_SIGNATURE, codes(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.HS256_WITH_PUBLIC_KEY, codes(ErrorCode.ALGORITHM_NOT_ALLOWED));
    EXPECTED.put(Hostile.EMBEDDED_JWK, codes(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.JKU_HEADER, codes(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.UNKNOWN_KID, codes(ErrorCode.KEY_NOT_FOUND));
    EXPECTED.put(Hostile.TAMPERED_PAYLOAD, codes(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.TAMPERED_SIGNATURE, codes(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.TRUNCATED_SIGNATURE, codes(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.ZERO_ECDSA_SIGNATURE, codes(ErrorCode.SIGNATURE_INVALID));
    EXPECTED.put(Hostile.OVERSIZED, codes(ErrorCode.TOKEN_TOO_LARGE));
    EXPECTED.put(Hostile.ACCESS_TOKEN, codes(ErrorCode.WRONG_TOKEN_TYPE));
  }

  private static ErrorCode[] codes(ErrorCode... codes) {
    return codes;
  }

  private final TestIssuer issuer = Fixtures.issuer();
  // Every asymmetric algorithm allowed, so each token reaches the check it is built to fail.
  private final IdTokenValidator validator = validatorFor(issuer)
      .allowedAlgorithms(EnumSet.complementOf(EnumSet.of(JwsAlgorithm.HS256, JwsAlgorithm.HS384, JwsAlgorithm.HS512)))
      .build();

  @ParameterizedTest
  @EnumSource(Hostile.class)
  void validate_hostileToken_returnsItsSpecificReason(Hostile kind) {
    assertInvalid(validator.validate(issuer.hostile(kind)), EXPECTED.get(kind));
  }

  @Test
  void expectations_coverEveryHostileKind() {
    assertEquals(EnumSet.allOf(Hostile.class), EXPECTED.keySet());
  }

  @Test
  void validate_extraAudienceWithoutAzp_trustedAudience_stillNeedsAzp() {
    IdTokenValidator trusting = validatorFor(issuer).trustedAudiences(TestIssuer.OTHER_AUDIENCE).build();
    ValidationResult result = trusting.validate(issuer.hostile(Hostile.EXTRA_AUDIENCE_WITHOUT_AZP));
    assertInvalid(result, ErrorCode.MISSING_CLAIM);
    assertEquals("azp", ((ValidationResult.Invalid) result).errors().get(0).claim());
  }
}
