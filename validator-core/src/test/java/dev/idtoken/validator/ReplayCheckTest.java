package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the validator uses a {@link ReplayGuard}: when, with which key and lifetime, and failing closed. */
class ReplayCheckTest {
  private final TestIssuer issuer = Fixtures.issuer();

  /** Records each call; answers "first use" unless told otherwise. */
  private static final class RecordingGuard implements ReplayGuard {
    final List<String> keys = new ArrayList<>();
    final List<Instant> keepUntils = new ArrayList<>();

    @Override
    public boolean tryRecord(String key, Instant keepUntil) {
      keys.add(key);
      keepUntils.add(keepUntil);
      return true;
    }
  }

  private static Expectations login(ReplayGuard guard) {
    return Expectations.builder().oneTimeUse(guard).build();
  }

  @Test
  void validate_oneTimeUse_recordsUntilExpiryPlusClockSkew() {
    RecordingGuard guard = new RecordingGuard();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).clockSkew(Duration.ofSeconds(30)).build();
    Instant exp = NOW.plus(Duration.ofMinutes(5));

    Fixtures.assertValid(validator.validate(issuer.token().expiresAt(exp).sign(), login(guard)));

    assertEquals(List.of(exp.plusSeconds(30)), guard.keepUntils);
  }

  @Test
  void validate_withoutOneTimeUse_neverConsultsTheGuard() {
    RecordingGuard guard = new RecordingGuard();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();

    Fixtures.assertValid(validator.validate(issuer.token().sign(), Expectations.none()));

    assertTrue(guard.keys.isEmpty());
  }

  @Test
  void validate_tokenFailsAnotherCheck_guardNotConsulted() {
    RecordingGuard guard = new RecordingGuard();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();

    Fixtures.assertInvalid(validator.validate(issuer.token().expiresAt(NOW.minusSeconds(3600)).sign(),
        login(guard)), ErrorCode.EXPIRED);
    Fixtures.assertInvalid(validator.validate("a.b.c", login(guard)), ErrorCode.MALFORMED_TOKEN);

    assertTrue(guard.keys.isEmpty());
  }

  @Test
  void validate_guardCannotAnswer_returnsUnavailable() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();
    ReplayGuard down = (key, keepUntil) -> {
      throw new ReplayGuardException("store down");
    };

    ValidationResult result = validator.validate(issuer.token().sign(), login(down));

    assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE,
        assertInstanceOf(ValidationResult.Unavailable.class, result).error().code());
  }

  @Test
  void validate_guardThrowsUnchecked_returnsFailedNeverValid() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();
    ReplayGuard broken = (key, keepUntil) -> {
      throw new IllegalStateException("bug");
    };

    ValidationResult result = validator.validate(issuer.token().sign(), login(broken));

    assertEquals(ErrorCode.INTERNAL_ERROR,
        assertInstanceOf(ValidationResult.Failed.class, result).error().code());
  }

  @Test
  void validate_guardSaysUsed_returnsTokenReplayed() {
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();

    Fixtures.assertInvalid(validator.validate(issuer.token().sign(), login((key, until) -> false)),
        ErrorCode.TOKEN_REPLAYED);
  }

  @Test
  void replayKey_withJti_dependsOnIssuerJtiAndClientOnly() {
    RecordingGuard guard = new RecordingGuard();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();
    validator.validate(issuer.token().claim("jti", "abc").subject("alice").sign(), login(guard));
    validator.validate(issuer.token().claim("jti", "abc").subject("bob").sign(), login(guard));
    validator.validate(issuer.token().claim("jti", "abd").subject("bob").sign(), login(guard));

    assertEquals(guard.keys.get(0), guard.keys.get(1));
    assertNotEquals(guard.keys.get(0), guard.keys.get(2));
    assertTrue(guard.keys.get(0).startsWith("j"));
  }

  @Test
  void replayKey_withoutJti_isADigestOfThePayload() {
    RecordingGuard guard = new RecordingGuard();
    IdTokenValidator validator = Fixtures.validatorFor(issuer).build();
    String token = issuer.token().subject("alice").sign();
    validator.validate(token, login(guard));
    validator.validate(token, login(guard));
    validator.validate(issuer.token().subject("bob").sign(), login(guard));

    assertEquals(guard.keys.get(0), guard.keys.get(1));
    assertNotEquals(guard.keys.get(0), guard.keys.get(2));
    assertTrue(guard.keys.get(0).startsWith("p"));
    assertEquals(44, guard.keys.get(0).length());
    assertFalse(guard.keys.get(0).contains("alice"));
  }

  @Test
  void replayKey_sameJtiAtAnotherClient_differs() {
    RecordingGuard guard = new RecordingGuard();

    Fixtures.assertValid(Fixtures.validatorFor(issuer).build()
        .validate(issuer.token().claim("jti", "x").sign(), login(guard)));
    Fixtures.assertValid(Fixtures.validatorFor(issuer).clientId("other-app").build()
        .validate(issuer.token().audience("other-app").claim("jti", "x").sign(), login(guard)));

    assertNotEquals(guard.keys.get(0), guard.keys.get(1));
  }
}
