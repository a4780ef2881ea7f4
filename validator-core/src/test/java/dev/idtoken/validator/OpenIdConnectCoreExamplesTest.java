package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The signed examples of OpenID Connect Core 1.0 (incorporating errata set 2), Appendix A: ID tokens
 * A.2 (profile claims), A.3 (at_hash) and A.4 (c_hash), verified with the RSA key of Appendix A.7,
 * at a time between their iat (1311280970) and exp (1311281970).
 */
class OpenIdConnectCoreExamplesTest {
  static final String A7_JWKS = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"1e9gdk7\","
      + "\"n\":\"w7Zdfmece8iaB0kiTY8pCtiBtzbptJmP28nSWwtdjRu0f2GFpajvWE4VhfJAjEsO"
      + "cwYzay7XGN0b-X84BfC8hmCTOj2b2eHT7NsZegFPKRUQzJ9wW8ipn_aDJWMGDuB1"
      + "XyqT1E7DYqjUCEOD1b4FLpy_xPn6oV_TYOfQ9fZdbE5HGxJUzekuGcOKqOQ8M7wf"
      + "YHhHHLxGpQVgL0apWuP2gDDOdTtpuld4D2LK1MZK99s9gaSjRHE8JDb1Z4IGhEcE"
      + "yzkxswVdPndUWzfvWBBWXWxtSUvQGBRkuy1BHOa4sP6FKjWEeeF7gm7UMs2Nm2QU"
      + "gNZw6xvEDGaLk4KASdIxRQ\",\"e\":\"AQAB\"}]}";

  static final String A2 = "eyJraWQiOiIxZTlnZGs3IiwiYWxnIjoiUlMyNTYifQ.ewogImlzcyI6ICJodHRwc"
      + "zovL3NlcnZlci5leGFtcGxlLmNvbSIsCiAic3ViIjogIjI0ODI4OTc2MTAwMSIsC"
      + "iAiYXVkIjogInM2QmhkUmtxdDMiLAogIm5vbmNlIjogIm4tMFM2X1d6QTJNaiIsC"
      + "iAiZXhwIjogMTMxMTI4MTk3MCwKICJpYXQiOiAxMzExMjgwOTcwLAogIm5hbWUiO"
      + "iAiSmFuZSBEb2UiLAogImdpdmVuX25hbWUiOiAiSmFuZSIsCiAiZmFtaWx5X25hb"
      + "WUiOiAiRG9lIiwKICJnZW5kZXIiOiAiZmVtYWxlIiwKICJiaXJ0aGRhdGUiOiAiM"
      + "DAwMC0xMC0zMSIsCiAiZW1haWwiOiAiamFuZWRvZUBleGFtcGxlLmNvbSIsCiAic"
      + "GljdHVyZSI6ICJodHRwOi8vZXhhbXBsZS5jb20vamFuZWRvZS9tZS5qcGciCn0.N"
      + "TibBYW_ZoNHGm4ZrWCqYA9oJaxr1AVrJCze6FEcac4t_EOQiJFbD2nVEPkUXPuMs"
      + "hKjjTn7ESLIFUnfHq8UKTGibIC8uqrBgQAcUQFMeWeg-PkLvDTHk43Dn4_aNrxhm"
      + "WwMNQfkjqx3wd2Fvta9j8yG2Qn790Gwb5psGcmBhqMJUUnFrGpyxQDhFIzzodmPo"
      + "kM7tnUxBNj-JuES_4CE-BvZICH4jKLp0TMu-WQsVst0ss-vY2RPdU1MzL59mq_eK"
      + "k8Rv9XhxIr3WteA2ZlrgVyT0cwH3hlCnRUsLfHtIEb8k1Y_WaqKUu3DaKPxqRi6u"
      + "0rN7RO2uZYPzC454xe-mg";

  static final String A3 = "eyJraWQiOiIxZTlnZGs3IiwiYWxnIjoiUlMyNTYifQ.ewogImlzcyI6ICJodHRwc"
      + "zovL3NlcnZlci5leGFtcGxlLmNvbSIsCiAic3ViIjogIjI0ODI4OTc2MTAwMSIsC"
      + "iAiYXVkIjogInM2QmhkUmtxdDMiLAogIm5vbmNlIjogIm4tMFM2X1d6QTJNaiIsC"
      + "iAiZXhwIjogMTMxMTI4MTk3MCwKICJpYXQiOiAxMzExMjgwOTcwLAogImF0X2hhc"
      + "2giOiAiNzdRbVVQdGpQZnpXdEYyQW5wSzlSUSIKfQ.kdqTmftlaXg5WBYBr1wkxh"
      + "kqCGZPc0k8vTiV5g2jj67jQ7XkrDamYx2bOkZLdZrpMPIzkdYB1nZI_G8vQGQuam"
      + "RhJcEIt21kblGPZ-yhEhdkAiZIZLu38rChalDS2Mh0glE_rke5XXRhmqqoEFFdzi"
      + "FdnO3p61-7y51co84OEAZvARSINQaOWIzvioRfs4zwIFOaT33Vpxfqr8HDyh31zo"
      + "9eBW2dSQuCa071z0ENWChWoPliK1JCo_Bk9eDg2uwo2ZwhsvHzj6TMQ0lYOTzufS"
      + "lSmXIKfjlOsb3nftQeR697_hA-nMZyAdL8_NRfaC37XnAbW8WB9wCfECp7cuNuOg";
  static final String A3_ACCESS_TOKEN = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";

  static final String A4 = "eyJraWQiOiIxZTlnZGs3IiwiYWxnIjoiUlMyNTYifQ.ewogImlzcyI6ICJodHRwc"
      + "zovL3NlcnZlci5leGFtcGxlLmNvbSIsCiAic3ViIjogIjI0ODI4OTc2MTAwMSIsC"
      + "iAiYXVkIjogInM2QmhkUmtxdDMiLAogIm5vbmNlIjogIm4tMFM2X1d6QTJNaiIsC"
      + "iAiZXhwIjogMTMxMTI4MTk3MCwKICJpYXQiOiAxMzExMjgwOTcwLAogImNfaGFza"
      + "CI6ICJMRGt0S2RvUWFrM1BrMGNuWHhDbHRBIgp9.MRPihYtNIcwKTZ_mcMSPfreV"
      + "ytGR4jfl1Tzbv4tH5Jr4WqONs2lUWrIEpZ2joKbZfAGlouAqwqSYpfR3FQYKYvdg"
      + "nZ3kjIJ_5M4fAARXHVSciGyhfqB-OhDUMXSHzFHiGKNY9TKSgRfiXf_314WRujpq"
      + "aDtj2uoXbppobYXvAZIxWtsOein0-t91LDS39EW4frNWAopKTBBi_XJPlpLVynWT"
      + "DvNleEBP6UxIMgYJBKlqsP7RGfHTGk3ReXDacR7RGZlIVGa-0qRyDzvNqD7xfu9a"
      + "YufUP0oBGqdBGgFVNmwJ7rmB0gdPtC2eJsXq9svCgBBfhRQZxhx1iLJjNc9nSw";
  static final String A4_CODE = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";

  private static final Clock AT = Clock.fixed(Instant.ofEpochSecond(1311281000L), ZoneOffset.UTC);

  private final IdTokenValidator validator;

  OpenIdConnectCoreExamplesTest() throws KeySetException {
    validator = IdTokenValidator.builder().issuer("https://server.example.com").clientId("s6BhdRkqt3")
        .keySource(KeySet.parse(A7_JWKS)).clock(AT).build();
  }

  @Test
  void a2_profileToken_isValidWithItsNonce() {
    VerifiedIdToken id = assertValid(validator.validate(A2, Expectations.nonce("n-0S6_WzA2Mj")));
    assertEquals("248289761001", id.subject());
    assertEquals(Optional.of("Jane Doe"), id.name());
    assertEquals(Optional.of("janedoe@example.com"), id.email());
    assertEquals(Optional.of("0000-10-31"), id.stringClaim("birthdate"));
  }

  @Test
  void a3_atHash_matchesItsAccessTokenOnly() {
    assertValid(validator.validate(A3, Expectations.builder().nonce("n-0S6_WzA2Mj").accessToken(A3_ACCESS_TOKEN).build()));
    assertInvalid(validator.validate(A3, Expectations.builder().accessToken(A3_ACCESS_TOKEN + "x").build()),
        ErrorCode.AT_HASH_MISMATCH);
    assertEquals("77QmUPtjPfzWtF2AnpK9RQ", ClaimChecks.halfHash(JwsAlgorithm.RS256, A3_ACCESS_TOKEN));
  }

  @Test
  void a4_cHash_matchesItsCodeOnly() {
    assertValid(validator.validate(A4, Expectations.builder().authorizationCode(A4_CODE).build()));
    assertInvalid(validator.validate(A4, Expectations.builder().authorizationCode("other").build()),
        ErrorCode.C_HASH_MISMATCH);
    assertEquals("LDktKdoQak3Pk0cnXxCltA", ClaimChecks.halfHash(JwsAlgorithm.RS256, A4_CODE));
  }

  @Test
  void examples_afterTheirExpiry_areExpired() {
    IdTokenValidator later = IdTokenValidator.builder().issuer("https://server.example.com").clientId("s6BhdRkqt3")
        .keySource((kid, alg) -> validatorKeys()).build();
    assertInvalid(later.validate(A2), ErrorCode.EXPIRED);
  }

  private static java.util.List<VerificationKey> validatorKeys() throws KeySourceException {
    try {
      return KeySet.parse(A7_JWKS).keys();
    } catch (KeySetException e) {
      throw new KeySourceException("bad", e);
    }
  }
}
