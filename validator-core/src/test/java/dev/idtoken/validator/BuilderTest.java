package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder checks its own configuration and fails fast, naming the option. */
class BuilderTest {
  private static final KeySource KEYS = KeySet.empty();

  private static IdTokenValidator.Builder complete() {
    return IdTokenValidator.builder().issuer("https://issuer.example").clientId("client").keySource(KEYS);
  }

  @Test
  void build_complete_hasSecureDefaults() {
    IdTokenValidator validator = complete().build();
    assertEquals(Set.of(JwsAlgorithm.RS256), validator.allowedAlgorithms());
    assertEquals("https://issuer.example", validator.issuer());
    assertEquals("client", validator.clientId());
  }

  @Test
  void build_missingIssuer_throwsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> IdTokenValidator.builder().clientId("c").keySource(KEYS).build());
    assertTrue(e.getMessage().contains("issuer"));
  }

  @Test
  void build_missingClientId_throwsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> IdTokenValidator.builder().issuer("i").keySource(KEYS).build());
    assertTrue(e.getMessage().contains("clientId"));
  }

  @Test
  void build_missingKeySource_throwsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> IdTokenValidator.builder().issuer("i").clientId("c").build());
    assertTrue(e.getMessage().contains("keySource"));
  }

  @Test
  void build_hmacWithoutSecret_throwsIllegalState() {
    assertThrows(IllegalStateException.class, () -> complete().allowedAlgorithms(JwsAlgorithm.HS256).build());
  }

  @Test
  void build_hmacSecretTooShort_throwsIllegalState() {
    assertThrows(IllegalStateException.class,
        () -> complete().allowedAlgorithms(JwsAlgorithm.HS256).clientSecret("31-bytes-of-secret-xxxxxxxxxxxx").build());
    complete().allowedAlgorithms(JwsAlgorithm.HS256).clientSecret("32-bytes-of-secret-xxxxxxxxxxxxx").build();
    assertThrows(IllegalStateException.class, () -> complete().allowedAlgorithms(JwsAlgorithm.HS512)
        .clientSecret("32-bytes-of-secret-xxxxxxxxxxxxx").build());
  }

  @Test
  void build_hmacOnly_needsNoKeySource() {
    IdTokenValidator.builder().issuer("i").clientId("c").allowedAlgorithms(JwsAlgorithm.HS256)
        .clientSecret("32-bytes-of-secret-xxxxxxxxxxxxx").build();
  }

  @Test
  void allowedAlgorithms_empty_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> complete().allowedAlgorithms(List.of()));
  }

  @Test
  void clockSkew_outOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> complete().clockSkew(Duration.ofHours(1)));
    assertThrows(IllegalArgumentException.class, () -> complete().clockSkew(Duration.ofSeconds(-1)));
    complete().clockSkew(IdTokenValidator.MAX_CLOCK_SKEW).clockSkew(Duration.ZERO);
  }

  @Test
  void maxTokenSize_outOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> complete().maxTokenSize(100));
    assertThrows(IllegalArgumentException.class, () -> complete().maxTokenSize(2 * 1024 * 1024));
  }

  @Test
  void maxTokenAge_notPositiveOrAbsurd_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> complete().maxTokenAge(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> complete().maxTokenAge(Duration.ofSeconds(Long.MAX_VALUE)));
  }

  @Test
  void blankOrNullValues_throw() {
    assertThrows(IllegalArgumentException.class, () -> complete().issuer(" "));
    assertThrows(IllegalArgumentException.class, () -> complete().clientId(""));
    assertThrows(IllegalArgumentException.class, () -> complete().trustedAudiences(""));
    assertThrows(NullPointerException.class, () -> complete().issuer(null));
    assertThrows(NullPointerException.class, () -> complete().keySource(null));
    assertThrows(NullPointerException.class, () -> complete().clock(null));
    assertThrows(NullPointerException.class, () -> complete().allowedAlgorithms((JwsAlgorithm) null));
    assertThrows(NullPointerException.class, () -> complete().build().validate("x", null));
  }

  @Test
  void expectations_badValues_throw() {
    assertThrows(IllegalArgumentException.class, () -> Expectations.builder().nonce(""));
    assertThrows(IllegalArgumentException.class, () -> Expectations.builder().maxAge(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class,
        () -> Expectations.builder().maxAge(Duration.ofSeconds(Long.MAX_VALUE / 2)));
    Expectations.builder().acceptedAcrValues("gold", "gold"); // duplicates are harmless
    assertThrows(IllegalArgumentException.class, () -> Expectations.builder().acceptedAcrValues());
    assertThrows(NullPointerException.class, () -> Expectations.builder().accessToken(null));
  }
}
