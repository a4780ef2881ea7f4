package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.CLOCK;
import static dev.idtoken.validator.Fixtures.NOW;
import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per {@link ErrorCode}, each with a token that fails only that check, plus the happy path
 * and the per-request expectations.
 */
class IdTokenValidatorTest {
  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator validator = validatorFor(issuer).build();

  @Test
  void validate_validToken_returnsIdentity() {
    String token = issuer.token().nonce("n-1").claim("email", "jane@example.com")
        .claim("email_verified", true).claim("fhirUser", "Practitioner/123").sign();

    VerifiedIdToken id = assertValid(validator.validate(token, Expectations.nonce("n-1")));

    assertEquals(Fixtures.ISSUER, id.issuer());
    assertEquals("user-1234", id.subject());
    assertEquals(List.of(Fixtures.CLIENT_ID), id.audiences());
    assertEquals(NOW, id.issuedAt());
    assertEquals(NOW.plus(Duration.ofMinutes(5)), id.expiresAt());
    assertEquals(Optional.of(NOW.minus(Duration.ofMinutes(1))), id.authTime());
    assertEquals(Optional.of("n-1"), id.nonce());
    assertEquals(Optional.of("jane@example.com"), id.email());
    assertTrue(id.emailVerified());
    assertEquals(Optional.of("Practitioner/123"), id.stringClaim("fhirUser"));
  }

  @Test
  void validate_nullToken_returnsMalformed() {
    assertInvalid(validator.validate(null), ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_tokenOverSizeCap_returnsTooLargeWithoutDecoding() {
    String huge = "a".repeat(IdTokenValidator.DEFAULT_MAX_TOKEN_SIZE + 1);
    assertInvalid(validator.validate(huge), ErrorCode.TOKEN_TOO_LARGE);
  }

  @Test
  void validate_tokenAtSizeCap_isDecoded() {
    String token = issuer.token().sign();
    String padded = issuer.token().claim("pad",
        "x".repeat(IdTokenValidator.DEFAULT_MAX_TOKEN_SIZE * 3 / 4 - token.length())).sign();
    assertTrue(padded.length() <= IdTokenValidator.DEFAULT_MAX_TOKEN_SIZE, "fixture too large");
    assertValid(validator.validate(padded));
  }

  @Test
  void validate_twoSegments_returnsMalformed() {
    String token = issuer.token().sign();
    assertInvalid(validator.validate(token.substring(0, token.lastIndexOf('.'))), ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_fiveSegments_returnsEncrypted() {
    assertInvalid(validator.validate("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"),
        ErrorCode.ENCRYPTED_TOKEN);
  }

  @Test
  void validate_paddedBase64_returnsMalformed() {
    String token = issuer.token().sign();
    int dot = token.indexOf('.');
    assertInvalid(validator.validate(token.substring(0, dot) + "=" + token.substring(dot)),
        ErrorCode.MALFORMED_TOKEN);
  }

  /**
   * A character outside base64url in any segment is refused before the signature is checked; also
   * one above U+00FF whose low byte is in the alphabet ('Ł' is U+0141, 'A' is 0x41) or is a dot.
   */
  @ParameterizedTest
  @ValueSource(strings = {"é", "Ł", "Į", "😀", "\uD800", "=", "+", " ", "\u0000"})
  void validate_characterOutsideBase64url_returnsMalformed(String c) {
    String token = issuer.token().sign();
    int firstDot = token.indexOf('.');
    int secondDot = token.lastIndexOf('.');
    for (int at : new int[] {5, firstDot + 5, secondDot + 5}) {
      String altered = token.substring(0, at) + c + token.substring(at + 1);
      assertInvalid(validator.validate(altered), ErrorCode.MALFORMED_TOKEN);
    }
  }

  /**
   * Characters above U+FFFF (two UTF-16 code units, one byte when the token becomes bytes) anywhere,
   * also several of them and in otherwise empty segments, give a typed result, never an exception.
   */
  @Test
  void validate_supplementaryCharacters_returnsMalformed() {
    for (String token : supplementaryCharacterTokens(issuer.token().sign())) {
      assertInvalid(validator.validate(token), ErrorCode.MALFORMED_TOKEN);
    }
  }

  /** Tokens with surrogate pairs in each segment, several at once, and in otherwise empty ones. */
  static List<String> supplementaryCharacterTokens(String valid) {
    String[] parts = valid.split("\\.");
    String pairs = "😀😀😀";
    return List.of(pairs + "..", "." + pairs + ".", ".." + pairs, pairs + "." + pairs + "." + pairs,
        parts[0] + "." + pairs + ".", parts[0] + pairs + "." + parts[1] + "." + parts[2],
        parts[0] + "." + parts[1] + pairs + "." + parts[2], parts[0] + "." + parts[1] + "." + parts[2] + pairs,
        parts[0] + "." + parts[1] + "." + pairs + parts[2]);
  }

  @Test
  void validate_payloadSwappedAfterSigning_returnsSignatureInvalid() {
    String[] parts = issuer.token().sign().split("\\.");
    String forged = parts[0] + "." + Base64Url.encode("{\"sub\":\"admin\"}".getBytes()) + "." + parts[2];
    assertInvalid(validator.validate(forged), ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void validate_signedPayloadNotJsonObject_returnsMalformed() {
    IdTokenValidator hmac = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.HS256).clientSecret(SECRET).build();
    String header = Base64Url.encode("{\"alg\":\"HS256\"}".getBytes());
    assertInvalid(hmac.validate(TestHmac.sign(header + "." + Base64Url.encode("[1,2]".getBytes()), SECRET)),
        ErrorCode.MALFORMED_TOKEN);
    assertInvalid(hmac.validate(TestHmac.sign(header + "." + Base64Url.encode("{\"a\":1} x".getBytes()), SECRET)),
        ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_duplicateClaimNames_returnsMalformed() {
    IdTokenValidator hmac = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.HS256)
        .clientSecret(SECRET).build();
    String header = Base64Url.encode("{\"alg\":\"HS256\"}".getBytes());
    String payload = Base64Url.encode(("{\"iss\":\"" + Fixtures.ISSUER + "\",\"sub\":\"a\",\"sub\":\"admin\"}").getBytes());
    String token = TestHmac.sign(header + "." + payload, SECRET);
    assertInvalid(hmac.validate(token), ErrorCode.MALFORMED_TOKEN);
  }

  /** Members the payload reader skips (no node built) are still held to the duplicate-name rule. */
  @Test
  void validate_duplicateNamesInSkippedMembers_returnsMalformed() {
    IdTokenValidator hmac = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.HS256)
        .clientSecret(SECRET).build();
    String header = Base64Url.encode("{\"alg\":\"HS256\"}".getBytes());
    for (String json : List.of("{\"iss\":\"" + Fixtures.ISSUER + "\",\"email\":\"a\",\"email\":\"b\"}",
        "{\"iss\":\"" + Fixtures.ISSUER + "\",\"address\":{\"c\":{\"x\":1,\"x\":2}}}",
        "{\"iss\":\"" + Fixtures.ISSUER + "\",\"groups\":[{\"id\":1},{\"id\":2,\"id\":3}]}")) {
      String token = TestHmac.sign(header + "." + Base64Url.encode(json.getBytes()), SECRET);
      assertInvalid(hmac.validate(token), ErrorCode.MALFORMED_TOKEN);
    }
  }

  @Test
  void validate_algorithmNotAllowed_returnsAlgorithmNotAllowed() {
    String token = issuer.token().signWith(TestKey.ec("P-256")).sign();
    assertInvalid(validator.validate(token), ErrorCode.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validate_critHeader_returnsUnsupportedCritical() {
    String token = issuer.token().header("crit", List.of("exp")).header("exp", 1).sign();
    assertInvalid(validator.validate(token), ErrorCode.UNSUPPORTED_CRITICAL_HEADER);
  }

  @Test
  void validate_accessTokenType_returnsWrongTokenType() {
    String token = issuer.token().type("at+jwt").sign();
    assertInvalid(validator.validate(token), ErrorCode.WRONG_TOKEN_TYPE);
  }

  @Test
  void validate_accessTokenTypeWithRelaxation_isAccepted() {
    String token = issuer.token().type("at+jwt").sign();
    assertValid(validatorFor(issuer).acceptAnyTokenType().build().validate(token));
  }

  @Test
  void validate_jwtTypeInAnyCase_isAccepted() {
    assertValid(validator.validate(issuer.token().type("jwt").sign()));
    assertValid(validator.validate(issuer.token().type("application/JWT").sign()));
    assertValid(validator.validate(issuer.token().type(null).sign()));
  }

  @Test
  void validate_unknownKid_returnsKeyNotFound() {
    String token = issuer.token().kid("no-such-key").sign();
    assertInvalid(validator.validate(token), ErrorCode.KEY_NOT_FOUND);
  }

  @Test
  void validate_badSignature_returnsSignatureInvalid() {
    TestKey other = TestKey.rsa(2048).withKid(issuer.signingKey().kid());
    String token = issuer.token().signWith(other).sign();
    assertInvalid(validator.validate(token), ErrorCode.SIGNATURE_INVALID);
  }

  @Test
  void validate_keySourceDown_returnsUnavailable() {
    IdTokenValidator down = validatorFor(issuer).keySource((kid, alg) -> {
      throw new KeySourceException("provider down");
    }).build();
    ValidationResult result = down.validate(issuer.token().sign());
    ValidationResult.Unavailable unavailable = assertInstanceOf(ValidationResult.Unavailable.class, result);
    assertEquals(ErrorCode.KEYS_UNAVAILABLE, unavailable.error().code());
  }

  @Test
  void validate_keySourceDownWithRetryHint_returnsUnavailableWithTheHint() {
    IdTokenValidator down = validatorFor(issuer).keySource((kid, alg) -> {
      throw new KeySourceException("provider down", Duration.ofSeconds(7));
    }).build();
    ValidationResult.Unavailable unavailable =
        assertInstanceOf(ValidationResult.Unavailable.class, down.validate(issuer.token().sign()));
    assertEquals(java.util.Optional.of(Duration.ofSeconds(7)), unavailable.retryAfter());
  }

  @Test
  void validate_keySourceDownWithoutHint_returnsUnavailableWithoutHint() {
    IdTokenValidator down = validatorFor(issuer).keySource((kid, alg) -> {
      throw new KeySourceException("provider down");
    }).build();
    ValidationResult.Unavailable unavailable =
        assertInstanceOf(ValidationResult.Unavailable.class, down.validate(issuer.token().sign()));
    assertEquals(java.util.Optional.empty(), unavailable.retryAfter());
  }

  @Test
  void validate_keySourceThrowsUnchecked_returnsFailed() {
    IdTokenValidator broken = validatorFor(issuer).keySource((kid, alg) -> {
      throw new IllegalStateException("bug");
    }).build();
    ValidationResult.Failed failed =
        assertInstanceOf(ValidationResult.Failed.class, broken.validate(issuer.token().sign()));
    assertEquals(ErrorCode.INTERNAL_ERROR, failed.error().code());
  }

  @Test
  void validate_keySourceThrowsLinkageError_returnsFailed() {
    IdTokenValidator broken = validatorFor(issuer).keySource((kid, alg) -> {
      throw new NoClassDefFoundError("com/example/Missing");
    }).build();
    assertInstanceOf(ValidationResult.Failed.class, broken.validate(issuer.token().sign()));
  }

  @Test
  void validateOrThrow_keySourceThrowsUnchecked_throwsInternalFailure() {
    IdTokenValidator broken = validatorFor(issuer).keySource((kid, alg) -> {
      throw new IllegalStateException("bug");
    }).build();
    IdTokenValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
        IdTokenValidationException.class, () -> broken.validateOrThrow(issuer.token().sign()));
    assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
    org.junit.jupiter.api.Assertions.assertTrue(e.isInternalFailure());
    org.junit.jupiter.api.Assertions.assertFalse(e.isUnavailable());
  }

  @Test
  void validate_wrongIssuer_returnsIssuerMismatch() {
    assertInvalid(validator.validate(issuer.token().issuer("https://evil.example.com").sign()),
        ErrorCode.ISSUER_MISMATCH);
  }

  @Test
  void validate_issuerWithTrailingSlash_returnsIssuerMismatch() {
    assertInvalid(validator.validate(issuer.token().issuer(Fixtures.ISSUER + "/").sign()),
        ErrorCode.ISSUER_MISMATCH);
  }

  @Test
  void validate_issuerInOtherCase_returnsIssuerMismatch() {
    assertInvalid(validator.validate(issuer.token().issuer(Fixtures.ISSUER.toUpperCase()).sign()),
        ErrorCode.ISSUER_MISMATCH);
  }

  @Test
  void validate_wrongAudience_returnsAudienceMismatch() {
    assertInvalid(validator.validate(issuer.token().audience("someone-else").sign()),
        ErrorCode.AUDIENCE_MISMATCH);
  }

  @Test
  void validate_untrustedExtraAudience_returnsUntrustedAudience() {
    String token = issuer.token().audience(Fixtures.CLIENT_ID, "api-x").authorizedParty(Fixtures.CLIENT_ID).sign();
    assertInvalid(validator.validate(token), ErrorCode.UNTRUSTED_AUDIENCE);
  }

  @Test
  void validate_trustedExtraAudienceWithAzp_isAccepted() {
    String token = issuer.token().audience(Fixtures.CLIENT_ID, "api-x").authorizedParty(Fixtures.CLIENT_ID).sign();
    VerifiedIdToken id = assertValid(validatorFor(issuer).trustedAudiences("api-x").build().validate(token));
    assertEquals(List.of(Fixtures.CLIENT_ID, "api-x"), id.audiences());
    assertEquals(Optional.of(Fixtures.CLIENT_ID), id.authorizedParty());
  }

  @Test
  void validate_untrustedExtraAudienceWithRelaxation_isAccepted() {
    String token = issuer.token().audience(Fixtures.CLIENT_ID, "api-x").authorizedParty(Fixtures.CLIENT_ID).sign();
    assertValid(validatorFor(issuer).acceptUntrustedAdditionalAudiences().build().validate(token));
  }

  @Test
  void validate_severalAudiencesWithoutAzp_returnsMissingAzp() {
    String token = issuer.token().audience(Fixtures.CLIENT_ID, "api-x").sign();
    ValidationResult result = validatorFor(issuer).trustedAudiences("api-x").build().validate(token);
    assertInvalid(result, ErrorCode.MISSING_CLAIM);
    assertEquals(Optional.of("azp"), ((ValidationResult.Invalid) result).errors().get(0).claimName());
  }

  @Test
  void validate_azpOfOtherClient_returnsAzpMismatch() {
    assertInvalid(validator.validate(issuer.token().authorizedParty("other").sign()), ErrorCode.AZP_MISMATCH);
  }

  @Test
  void validate_expired_returnsExpired() {
    String token = issuer.token().issuedAt(NOW.minusSeconds(3600)).expiresAt(NOW.minusSeconds(600)).sign();
    assertInvalid(validator.validate(token), ErrorCode.EXPIRED);
  }

  @Test
  void validate_notYetValid_returnsNotYetValid() {
    assertInvalid(validator.validate(issuer.token().notBefore(NOW.plusSeconds(600)).sign()), ErrorCode.NOT_YET_VALID);
  }

  @Test
  void validate_issuedInFuture_returnsIssuedInFuture() {
    String token = issuer.token().issuedAt(NOW.plusSeconds(600)).expiresAt(NOW.plusSeconds(900)).sign();
    assertInvalid(validator.validate(token), ErrorCode.ISSUED_IN_FUTURE);
  }

  @Test
  void validate_olderThanMaxTokenAge_returnsTooOld() {
    String token = issuer.token().issuedAt(NOW.minus(Duration.ofHours(2))).expiresAt(NOW.plusSeconds(600)).sign();
    IdTokenValidator strict = validatorFor(issuer).maxTokenAge(Duration.ofHours(1)).build();
    assertInvalid(strict.validate(token), ErrorCode.TOKEN_TOO_OLD);
    assertValid(validator.validate(token));
  }

  @Test
  void validate_wrongNonce_returnsNonceMismatch() {
    String token = issuer.token().nonce("n-1").sign();
    assertInvalid(validator.validate(token, Expectations.nonce("n-2")), ErrorCode.NONCE_MISMATCH);
  }

  @Test
  void validate_nonceExpectedButAbsent_returnsMissingClaim() {
    assertInvalid(validator.validate(issuer.token().sign(), Expectations.nonce("n-1")), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_nonceInTokenButNotExpected_isAccepted() {
    assertValid(validator.validate(issuer.token().nonce("n-1").sign()));
  }

  @Test
  void validate_authTimeOlderThanMaxAge_returnsAuthenticationTooOld() {
    String token = issuer.token().authTime(NOW.minus(Duration.ofMinutes(30))).sign();
    Expectations maxAge = Expectations.builder().maxAge(Duration.ofMinutes(10)).build();
    assertInvalid(validator.validate(token, maxAge), ErrorCode.AUTHENTICATION_TOO_OLD);
    assertValid(validator.validate(token, Expectations.builder().maxAge(Duration.ofMinutes(40)).build()));
  }

  @Test
  void validate_maxAgeWithoutAuthTime_returnsMissingClaim() {
    String token = issuer.token().removeClaim("auth_time").sign();
    Expectations maxAge = Expectations.builder().maxAge(Duration.ofMinutes(10)).build();
    assertInvalid(validator.validate(token, maxAge), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_acrNotAccepted_returnsAcrNotAccepted() {
    String token = issuer.token().claim("acr", "urn:mace:incommon:iap:bronze").sign();
    Expectations silver = Expectations.builder().acceptedAcrValues("urn:mace:incommon:iap:silver").build();
    assertInvalid(validator.validate(token, silver), ErrorCode.ACR_NOT_ACCEPTED);
    assertValid(validator.validate(token,
        Expectations.builder().acceptedAcrValues("urn:mace:incommon:iap:bronze").build()));
  }

  @Test
  void validate_atHashOfOtherAccessToken_returnsAtHashMismatch() {
    String token = issuer.token().accessTokenHash("access-1").sign();
    assertInvalid(validator.validate(token, Expectations.builder().accessToken("access-2").build()),
        ErrorCode.AT_HASH_MISMATCH);
    assertValid(validator.validate(token, Expectations.builder().accessToken("access-1").build()));
  }

  @Test
  void validate_accessTokenGivenButNoAtHash_returnsMissingClaim() {
    assertInvalid(validator.validate(issuer.token().sign(), Expectations.builder().accessToken("a").build()),
        ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_cHashOfOtherCode_returnsCHashMismatch() {
    String token = issuer.token().codeHash("code-1").sign();
    assertInvalid(validator.validate(token, Expectations.builder().authorizationCode("code-2").build()),
        ErrorCode.C_HASH_MISMATCH);
    assertValid(validator.validate(token, Expectations.builder().authorizationCode("code-1").build()));
  }

  @Test
  void validate_sHashOfOtherState_returnsSHashMismatch() {
    String token = issuer.token().stateHash("state-1").sign();
    assertInvalid(validator.validate(token, Expectations.builder().state("state-2").build()),
        ErrorCode.S_HASH_MISMATCH);
    assertValid(validator.validate(token, Expectations.builder().state("state-1").build()));
  }

  @Test
  void validate_missingSubject_returnsMissingClaim() {
    assertInvalid(validator.validate(issuer.token().removeClaim("sub").sign()), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_missingExp_returnsMissingClaim() {
    assertInvalid(validator.validate(issuer.token().removeClaim("exp").sign()), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_missingIat_returnsMissingClaim() {
    assertInvalid(validator.validate(issuer.token().removeClaim("iat").sign()), ErrorCode.MISSING_CLAIM);
  }

  @Test
  void validate_missingIssuerAndAudience_reportsBoth() {
    ValidationResult result = validator.validate(issuer.token().removeClaim("iss").removeClaim("aud").sign());
    assertInvalid(result, ErrorCode.MISSING_CLAIM, ErrorCode.MISSING_CLAIM);
    assertEquals(List.of(Optional.of("iss"), Optional.of("aud")),
        ((ValidationResult.Invalid) result).errors().stream().map(ValidationError::claimName).toList());
  }

  @Test
  void validate_subjectTooLong_returnsMalformedClaim() {
    assertValid(validator.validate(issuer.token().subject("s".repeat(255)).sign()));
    assertInvalid(validator.validate(issuer.token().subject("s".repeat(256)).sign()), ErrorCode.MALFORMED_CLAIM);
  }

  @Test
  void validate_subjectNotAscii_returnsMalformedClaim() {
    assertInvalid(validator.validate(issuer.token().subject("jürgen").sign()), ErrorCode.MALFORMED_CLAIM);
  }

  @Test
  void validate_expAsString_returnsMalformedClaimNotCoerced() {
    String token = issuer.token().claim("exp", String.valueOf(NOW.plusSeconds(300).getEpochSecond())).sign();
    ValidationResult result = validator.validate(token);
    assertInvalid(result, ErrorCode.MALFORMED_CLAIM);
    assertEquals(Optional.of("exp"), ((ValidationResult.Invalid) result).errors().get(0).claimName());
  }

  @Test
  void validate_registeredClaimsOfWrongType_eachReported() {
    Map<String, Object> wrong = Map.of("iss", 42, "sub", List.of("a"), "aud", 7, "iat", "now",
        "nbf", true, "azp", 1, "nonce", 1, "jti", 5, "amr", "pwd", "auth_time", -5);
    for (Map.Entry<String, Object> claim : wrong.entrySet()) {
      ValidationResult result = validator.validate(issuer.token().claim(claim.getKey(), claim.getValue()).sign());
      ValidationResult.Invalid invalid = assertInstanceOf(ValidationResult.Invalid.class, result, claim.getKey());
      assertEquals(List.of(new ValidationError(ErrorCode.MALFORMED_CLAIM, claim.getKey())), invalid.errors(),
          claim.getKey());
    }
  }

  @Test
  void validate_profileClaimsOfWrongType_acceptedAndCheckedOnRead() {
    // Auth0 sends updated_at as an ISO string; some providers send email_verified as "true".
    String token = issuer.token().claim("updated_at", "2017-08-28T16:10:58.969Z")
        .claim("email_verified", "true").claim("email", 42).sign();
    VerifiedIdToken id = assertValid(validator.validate(token));
    assertFalse(id.emailVerified(), "a string is not a verified email");
    assertThrows(ClaimTypeException.class, () -> id.claim("updated_at", java.time.Instant.class));
    assertThrows(ClaimTypeException.class, id::email);
  }

  @Test
  void validate_overlongKid_returnsMalformedBeforeKeyLookup() {
    IdTokenValidator counting = validatorFor(issuer).keySource((kid, alg) -> {
      throw new AssertionError("the key source must not see an overlong kid");
    }).build();
    assertInvalid(counting.validate(issuer.token().kid("k".repeat(JwsVerifier.MAX_KID_LENGTH + 1)).sign()),
        ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_keySourceReturningNullElement_returnsFailed() {
    IdTokenValidator broken = validatorFor(issuer)
        .keySource((kid, alg) -> java.util.Arrays.asList((VerificationKey) null)).build();
    assertInstanceOf(ValidationResult.Failed.class, broken.validate(issuer.token().sign()));
  }

  @Test
  void validate_utf16Json_returnsMalformed() {
    IdTokenValidator hmac = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.HS256).clientSecret(SECRET).build();
    String header = Base64Url.encode("{\"alg\":\"HS256\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16BE));
    String payload = Base64Url.encode("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertInvalid(hmac.validate(TestHmac.sign(header + "." + payload, SECRET)), ErrorCode.MALFORMED_TOKEN);
  }

  @Test
  void validate_fractionalNumericDates_areAccepted() {
    String token = issuer.token().claim("iat", NOW.getEpochSecond() + 0.5)
        .claim("exp", NOW.getEpochSecond() + 300.25).sign();
    assertEquals(NOW.plusMillis(500), assertValid(validator.validate(token)).issuedAt());
  }

  @Test
  void validate_severalClaimFailures_reportsAllInSpecOrder() {
    String token = issuer.token().issuer("https://evil.example.com").audience("someone-else")
        .issuedAt(NOW.minusSeconds(3600)).expiresAt(NOW.minusSeconds(600)).sign();
    assertInvalid(validator.validate(token), ErrorCode.ISSUER_MISMATCH, ErrorCode.AUDIENCE_MISMATCH,
        ErrorCode.EXPIRED);
  }

  @Test
  void validateOrThrow_invalid_throwsWithTypedCode() {
    IdTokenValidationException e = assertThrows(IdTokenValidationException.class,
        () -> validator.validateOrThrow(issuer.token().audience("x").sign()));
    assertEquals(ErrorCode.AUDIENCE_MISMATCH, e.code());
    assertFalse(e.isUnavailable());
  }

  @Test
  void validateOrThrow_valid_returnsIdentity() throws Exception {
    assertEquals("user-1234", validator.validateOrThrow(issuer.token().sign()).subject());
  }

  @Test
  void invalid_wwwAuthenticate_isRfc6750() {
    ValidationResult.Invalid invalid = (ValidationResult.Invalid) validator.validate(
        issuer.token().issuedAt(NOW.minusSeconds(3600)).expiresAt(NOW.minusSeconds(600)).sign());
    assertEquals("invalid_token", invalid.bearerError());
    assertEquals("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"",
        invalid.wwwAuthenticate());
  }

  /** Every code, each produced by a token that fails only that check. */
  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void validate_eachErrorCode_isProducedByItsOwnToken(ErrorCode code) {
    Map<ErrorCode, Supplier<ValidationResult>> producers = new EnumMap<>(ErrorCode.class);
    producers.put(ErrorCode.TOKEN_TOO_LARGE, () -> validator.validate("a".repeat(20_000)));
    producers.put(ErrorCode.MALFORMED_TOKEN, () -> validator.validate("not-a-jwt"));
    producers.put(ErrorCode.ENCRYPTED_TOKEN, () -> validator.validate("a.b.c.d.e"));
    producers.put(ErrorCode.ALGORITHM_NOT_ALLOWED,
        () -> validator.validate(issuer.token().signWith(TestKey.ec("P-256")).sign()));
    producers.put(ErrorCode.UNSUPPORTED_CRITICAL_HEADER,
        () -> validator.validate(issuer.token().header("crit", List.of("b64")).header("b64", false).sign()));
    producers.put(ErrorCode.WRONG_TOKEN_TYPE, () -> validator.validate(issuer.token().type("at+jwt").sign()));
    producers.put(ErrorCode.LOGOUT_TOKEN, () -> validator.validate(issuer.logoutToken().sign()));
    producers.put(ErrorCode.NOT_A_LOGOUT_TOKEN, () -> ((LogoutValidationResult.Refused)
        LogoutTokenValidator.of(validator).validate(issuer.token().claim("jti", "j").sign())).reason());
    producers.put(ErrorCode.KEY_NOT_FOUND, () -> validator.validate(issuer.token().kid("nope").sign()));
    producers.put(ErrorCode.SIGNATURE_INVALID, () -> validator.validate(
        issuer.token().signWith(TestKey.rsa(2048).withKid(issuer.signingKey().kid())).sign()));
    producers.put(ErrorCode.KEYS_UNAVAILABLE, () -> validatorFor(issuer)
        .keySource((kid, alg) -> { throw new KeySourceException("down"); }).build()
        .validate(issuer.token().sign()));
    producers.put(ErrorCode.INTERNAL_ERROR, () -> validatorFor(issuer)
        .keySource((kid, alg) -> { throw new IllegalStateException("bug"); }).build()
        .validate(issuer.token().sign()));
    producers.put(ErrorCode.UNTRUSTED_ISSUER, () -> MultiIssuerValidator.of(TrustedIssuers.of(validator))
        .validate(issuer.token().issuer("https://stranger.example.com").sign()));
    producers.put(ErrorCode.ISSUER_MISMATCH, () -> validator.validate(issuer.token().issuer("https://x.example").sign()));
    producers.put(ErrorCode.AUDIENCE_MISMATCH, () -> validator.validate(issuer.token().audience("x").sign()));
    producers.put(ErrorCode.UNTRUSTED_AUDIENCE, () -> validator.validate(
        issuer.token().audience(Fixtures.CLIENT_ID, "x").authorizedParty(Fixtures.CLIENT_ID).sign()));
    producers.put(ErrorCode.AZP_MISMATCH, () -> validator.validate(issuer.token().authorizedParty("x").sign()));
    producers.put(ErrorCode.EXPIRED, () -> validator.validate(
        issuer.token().issuedAt(NOW.minusSeconds(900)).expiresAt(NOW.minusSeconds(600)).sign()));
    producers.put(ErrorCode.NOT_YET_VALID, () -> validator.validate(issuer.token().notBefore(NOW.plusSeconds(600)).sign()));
    producers.put(ErrorCode.ISSUED_IN_FUTURE, () -> validator.validate(
        issuer.token().issuedAt(NOW.plusSeconds(600)).expiresAt(NOW.plusSeconds(900)).sign()));
    producers.put(ErrorCode.TOKEN_TOO_OLD, () -> validatorFor(issuer).maxTokenAge(Duration.ofMinutes(1)).build()
        .validate(issuer.token().issuedAt(NOW.minusSeconds(600)).sign()));
    producers.put(ErrorCode.NONCE_MISMATCH,
        () -> validator.validate(issuer.token().nonce("a").sign(), Expectations.nonce("b")));
    producers.put(ErrorCode.AUTHENTICATION_TOO_OLD, () -> validator.validate(
        issuer.token().authTime(NOW.minusSeconds(3600)).sign(),
        Expectations.builder().maxAge(Duration.ofMinutes(5)).build()));
    producers.put(ErrorCode.ACR_NOT_ACCEPTED, () -> validator.validate(issuer.token().claim("acr", "0").sign(),
        Expectations.builder().acceptedAcrValues("2").build()));
    producers.put(ErrorCode.AT_HASH_MISMATCH, () -> validator.validate(issuer.token().accessTokenHash("a").sign(),
        Expectations.builder().accessToken("b").build()));
    producers.put(ErrorCode.C_HASH_MISMATCH, () -> validator.validate(issuer.token().codeHash("a").sign(),
        Expectations.builder().authorizationCode("b").build()));
    producers.put(ErrorCode.S_HASH_MISMATCH, () -> validator.validate(issuer.token().stateHash("a").sign(),
        Expectations.builder().state("b").build()));
    producers.put(ErrorCode.MISSING_CLAIM, () -> validator.validate(issuer.token().removeClaim("sub").sign()));
    producers.put(ErrorCode.MALFORMED_CLAIM, () -> validator.validate(issuer.token().claim("exp", "soon").sign()));
    producers.put(ErrorCode.TOKEN_REPLAYED, () -> validator.validate(issuer.token().sign(),
        Expectations.builder().oneTimeUse((key, keepUntil) -> false).build()));
    producers.put(ErrorCode.REPLAY_CHECK_UNAVAILABLE, () -> validator.validate(issuer.token().sign(),
        Expectations.builder().oneTimeUse((key, keepUntil) -> {
          throw new ReplayGuardException("down");
        }).build()));

    Supplier<ValidationResult> producer = producers.get(code);
    assertNotNull(producer, "no token produces " + code);
    ValidationResult result = producer.get();
    if (code.isUnavailable()) {
      assertEquals(code, assertInstanceOf(ValidationResult.Unavailable.class, result).error().code());
    } else if (code == ErrorCode.INTERNAL_ERROR) {
      assertEquals(code, assertInstanceOf(ValidationResult.Failed.class, result).error().code());
    } else {
      assertInvalid(result, code);
    }
  }

  static final String SECRET = "a-client-secret-of-at-least-32-bytes!!";

  /** Check that the fixed clock is what the validator used, not the system clock. */
  @Test
  void validate_usesInjectedClock() {
    assertEquals(NOW, CLOCK.instant());
    String token = issuer.token().sign();
    IdTokenValidator later = validatorFor(issuer).clock(java.time.Clock.offset(CLOCK, Duration.ofHours(1))).build();
    assertInvalid(later.validate(token), ErrorCode.EXPIRED);
  }
}
