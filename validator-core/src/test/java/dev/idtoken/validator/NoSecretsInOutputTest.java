package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.Hostile;
import dev.idtoken.testlogs.CapturingLogs;
import dev.idtoken.testkit.TestIssuer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No part of a token, and no claim value, appears in failure messages, exceptions or logs. */
class NoSecretsInOutputTest {
  private static final String EMAIL = "jane.secret@example.com";
  private static final String NAME = "Jane Secretperson";
  private static final String SUBJECT = "subject-7f3a9c";
  private static final String NONCE = "nonce-b81d2e";

  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator validator = validatorFor(issuer).build();

  @Test
  void failures_neverQuoteTokenOrClaims() {
    CapturingLogs.clear();
    List<String> tokens = new ArrayList<>();
    for (Hostile kind : Hostile.values()) {
      tokens.add(issuer.hostile(kind));
    }
    tokens.add(withPersonalData().issuer("https://evil.example.com").sign());
    tokens.add(withPersonalData().audience("other").sign());
    tokens.add(withPersonalData().claim("exp", "not-a-number").sign());
    tokens.add(withPersonalData().nonce("nonce-other").sign());
    tokens.add(withPersonalData().sign()); // valid, but the expectations below fail it

    List<String> output = new ArrayList<>();
    Expectations strict = Expectations.builder().nonce(NONCE).maxAge(Duration.ofSeconds(1))
        .accessToken("access-token-value").acceptedAcrValues("gold").build();
    for (String token : tokens) {
      ValidationResult result = validator.validate(token, strict);
      output.add(result.toString());
      if (result instanceof ValidationResult.Invalid invalid) {
        output.add(invalid.wwwAuthenticate());
        invalid.errors().forEach(e -> output.add(e.message()));
      }
      try {
        validator.validateOrThrow(token, strict);
      } catch (IdTokenValidationException e) {
        output.add(e.getMessage());
        output.add(e.toString());
      }
    }
    List<String> logs = CapturingLogs.lines();
    assertFalse(logs.isEmpty(), "debug logging of rejections is expected; the capture is broken otherwise");
    output.addAll(logs);

    for (String line : output) {
      for (String token : tokens) {
        // Any 16 consecutive characters of a segment would be a leak, not just the whole segment.
        for (String segment : token.split("\\.")) {
          for (int i = 0; i + 16 <= segment.length(); i += 16) {
            String window = segment.substring(i, i + 16);
            assertFalse(line.contains(window), () -> "token fragment leaked into: " + line);
          }
        }
      }
      for (String secret : List.of(EMAIL, NAME, SUBJECT, NONCE, "nonce-other", "access-token-value")) {
        assertFalse(line.contains(secret), () -> "claim value leaked into: " + line);
      }
    }
  }

  @Test
  void verifiedToken_toStringHasNoPersonalData() {
    VerifiedIdToken id = Fixtures.assertValid(validator.validate(withPersonalData().sign()));
    String text = id.toString();
    assertTrue(text.contains(Fixtures.ISSUER));
    for (String secret : List.of(EMAIL, NAME, SUBJECT, NONCE)) {
      assertFalse(text.contains(secret), text);
    }
  }

  private dev.idtoken.testkit.TokenBuilder withPersonalData() {
    return issuer.token().subject(SUBJECT).nonce(NONCE).claim("email", EMAIL).claim("name", NAME);
  }
}
