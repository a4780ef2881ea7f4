package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.idtoken.testkit.TestKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Coverage-guided fuzzing of {@code validate} (Jazzer). In {@code ./mvnw verify} each target replays
 * its committed seeds ({@code src/test/resources/.../TokenFuzzTestInputs/<method>/}); with
 * {@code JAZZER_FUZZ=1} one target is fuzzed (see FUZZING.md). The invariant: every input gets a
 * typed verdict ({@link FuzzSupport#typed}), with bounded work, and nothing escapes.
 */
class TokenFuzzTest {
  static final String ISSUER = "https://login.example.com";
  static final String CLIENT_ID = "client-app";
  /** HS256 tokens signed with this are fully valid seeds; the clock below is their "now". */
  static final String SECRET = "fuzzing-secret-long-enough-for-hs512-0123456789abcdef0123456789abcdef";
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static final TestKey RSA = TestKey.rsa(2048).withKid("rsa-1");
  private static final TestKey EC = TestKey.ec("P-256").withKid("ec-1");
  private static final TestKey ED = TestKey.ed25519().withKid("ed-1");
  private static final KeySet KEYS = keys();

  private static final IdTokenValidator VALIDATOR = builder().build();
  private static final IdTokenValidator CACHING = builder().cacheVerifiedTokens(64).build();
  private static final MultiIssuerValidator MULTI =
      MultiIssuerValidator.of(TrustedIssuers.of(VALIDATOR));
  private static final Expectations EXPECT_NONCE = Expectations.builder()
      .nonce("n-0S6_WzA2Mj").maxAge(java.time.Duration.ofHours(1)).build();

  private static KeySet keys() {
    try {
      return KeySet.parse("{\"keys\":[" + RSA.publicJwkJson() + "," + EC.publicJwkJson() + ","
          + ED.publicJwkJson() + "]}");
    } catch (KeySetException e) {
      throw new AssertionError(e);
    }
  }

  private static IdTokenValidator.Builder builder() {
    return IdTokenValidator.builder()
        .issuer(ISSUER)
        .clientId(CLIENT_ID)
        .keySource(KEYS)
        .allowedAlgorithms(EnumSet.allOf(JwsAlgorithm.class))
        .clientSecret(SECRET)
        .clock(CLOCK);
  }

  /** Any string, as a caller could pass it, through both validators. */
  @FuzzTest
  void validate_anyString_typedVerdict(byte[] input) {
    String token = FuzzSupport.string(input);
    ValidationResult result = FuzzSupport.typed(() -> VALIDATOR.validate(token));
    ValidationResult multi = FuzzSupport.typed(() -> MULTI.validate(token));
    assertEquals(result.isValid(), multi.isValid(), "the two validators disagree");
    if (result.isValid()) {
      readAll(((ValidationResult.Valid) result).token());
    }
  }

  /**
   * Header and payload JSON chosen by the fuzzer and signed, so that mutations reach the header and
   * claim checks past the signature. Input: one selector byte (bits 0-1: HS256, or ES256 with a test
   * kit key; bit 2: a nonce and max_age expected; bit 3: the caching validator), then the header JSON,
   * a 0xFF byte (never in UTF-8), the payload JSON. Without a 0xFF the header is the default one.
   */
  @FuzzTest
  void validate_signedMutatedJson_typedVerdict(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int selector = input[0] & 0xFF;
    boolean ec = (selector & 3) == 3;
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    int split = indexOf(rest, (byte) 0xFF);
    byte[] header = split < 0
        ? (ec ? "{\"alg\":\"ES256\",\"kid\":\"ec-1\"}" : "{\"alg\":\"HS256\"}").getBytes(StandardCharsets.US_ASCII)
        : Arrays.copyOfRange(rest, 0, split);
    byte[] payload = split < 0 ? rest : Arrays.copyOfRange(rest, split + 1, rest.length);
    String signingInput = Base64Url.encode(header) + "." + Base64Url.encode(payload);
    String token = signingInput + "." + Base64Url.encode(ec ? es256(signingInput) : hs256(signingInput));
    Expectations expectations = (selector & 4) != 0 ? EXPECT_NONCE : Expectations.none();
    IdTokenValidator validator = (selector & 8) != 0 ? CACHING : VALIDATOR;
    ValidationResult result = FuzzSupport.typed(() -> validator.validate(token, expectations));
    if (result.isValid()) {
      readAll(((ValidationResult.Valid) result).token());
    }
  }

  /** Every accessor of a verified token works on whatever claims got through. */
  private static void readAll(VerifiedIdToken token) {
    assertNotNull(token.issuer());
    assertNotNull(token.subject());
    assertNotNull(token.audiences());
    assertNotNull(token.expiresAt());
    assertNotNull(token.issuedAt());
    token.authTime();
    token.nonce();
    token.amr();
    token.email();
    token.emailVerified();
    token.name();
    token.stringListClaim("groups");
    token.claim("address", Map.class);
    token.claim("roles", List.class);
    Map<String, Object> claims = token.claims();
    assertEquals(claims.keySet(), token.claimNames());
    assertNotNull(token.toString());
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  static byte[] hs256(String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] es256(String signingInput) {
    try {
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initSign(EC.privateKey());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
