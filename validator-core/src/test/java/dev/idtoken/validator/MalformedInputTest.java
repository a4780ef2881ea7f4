package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.idtoken.testkit.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random fuzzing of the validator's input. The invariant: any input yields a typed result,
 * never an exception, and no mutation of a valid token is accepted. Byte-level mutations exercise the
 * parser; a structure-aware generator signs random headers and claims with the client secret so that
 * hostile JSON gets past the signature and into the claim checks.
 */
class MalformedInputTest {
  private static final String SECRET = "fuzzing-secret-long-enough-for-hs512-0123456789abcdef0123456789abcdef";
  private static final long SEED = Long.getLong("idtoken.fuzz.seed", 20261125L);
  /** Inputs per test; CI runs the default, a long run sets {@code -Didtoken.fuzz.iterations}. */
  private static final int ITERATIONS = Integer.getInteger("idtoken.fuzz.iterations", 5_000);
  // Whole code points, so that a character above U+FFFF (two UTF-16 units) comes in one piece; a
  // lone surrogate is there too.
  private static final String[] ALPHABET =
      ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9\u0000{}\"\uD83D\uDE00")
          .codePoints().mapToObj(Character::toString).toArray(String[]::new);
  private static final String LONE_SURROGATE = "\uD800";

  private final TestIssuer issuer = Fixtures.issuer();
  private final IdTokenValidator validator = validatorFor(issuer)
      .allowedAlgorithms(EnumSet.allOf(JwsAlgorithm.class)).clientSecret(SECRET).build();

  @Test
  void validate_mutatedTokens_returnTypedFailureNeverThrow() {
    Random random = new Random(SEED);
    String original = issuer.token().nonce("n").sign();
    for (int i = 0; i < ITERATIONS; i++) {
      String mutated = mutate(original, random);
      ValidationResult result = validator.validate(mutated);
      assertNotNull(result);
      if (!mutated.equals(original)) {
        assertFalse(result.isValid(), () -> "a mutation was accepted: " + mutated);
      }
    }
  }

  @Test
  void validate_randomSignedJson_returnsTypedResultNeverThrows() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < ITERATIONS * 3 / 5; i++) {
      String header = random.nextInt(4) == 0 ? randomJson(random, 0)
          : "{\"alg\":\"HS256\"" + (random.nextBoolean() ? ",\"kid\":" + randomJson(random, 2) : "")
              + (random.nextBoolean() ? ",\"typ\":" + randomJson(random, 2) : "") + "}";
      StringBuilder claims = new StringBuilder("{");
      List<String> names = List.of("iss", "sub", "aud", "exp", "iat", "nbf", "azp", "nonce", "auth_time",
          "acr", "amr", "at_hash", "email_verified", "x");
      for (String name : names) {
        if (random.nextBoolean()) {
          claims.append(claims.length() > 1 ? "," : "").append('"').append(name).append("\":")
              .append(randomJson(random, 0));
        }
      }
      claims.append('}');
      String token = TestHmac.sign(b64(header) + "." + b64(claims.toString()), SECRET);
      assertNotNull(validator.validate(token, Expectations.builder().nonce("n").accessToken("a")
          .maxAge(java.time.Duration.ofMinutes(1)).acceptedAcrValues("1").build()));
    }
  }

  @Test
  void validate_randomGarbage_returnsTypedResultNeverThrows() {
    Random random = new Random(SEED + 2);
    for (int i = 0; i < ITERATIONS; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(200);
      for (int j = 0; j < length; j++) {
        s.append(symbol(random));
      }
      assertFalse(validator.validate(s.toString()).isValid());
    }
  }

  private static String symbol(Random random) {
    return random.nextInt(50) == 0 ? LONE_SURROGATE : ALPHABET[random.nextInt(ALPHABET.length)];
  }

  private static String mutate(String token, Random random) {
    StringBuilder s = new StringBuilder(token);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && s.length() > 0; e++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(6)) {
        case 0 -> s.replace(at, at + 1, symbol(random));
        case 1 -> s.deleteCharAt(at);
        case 2 -> s.insert(at, symbol(random));
        case 3 -> s.setLength(at);
        case 4 -> s.insert(at, '.');
        default -> {
          String[] parts = s.toString().split("\\.", -1);
          if (parts.length == 3) {
            s = new StringBuilder(parts[random.nextInt(3)] + "." + parts[random.nextInt(3)] + "." + parts[2]);
          }
        }
      }
    }
    return s.toString();
  }

  private static String randomJson(Random random, int depth) {
    switch (depth > 3 ? random.nextInt(6) : random.nextInt(9)) {
      case 0: return "null";
      case 1: return random.nextBoolean() ? "true" : "false";
      case 2: return Long.toString(random.nextLong());
      case 3: return random.nextBoolean() ? "1e308" : "-0.5";
      case 4: return "\"" + "s".repeat(random.nextInt(300)) + "\"";
      case 5: return "\"" + Fixtures.ISSUER + "\"";
      case 6: return "[" + randomJson(random, depth + 1) + "," + randomJson(random, depth + 1) + "]";
      case 7: return "{\"k\":" + randomJson(random, depth + 1) + "}";
      default: return "12345678901234567890123456789";
    }
  }

  private static String b64(String json) {
    return Base64Url.encode(json.getBytes(StandardCharsets.UTF_8));
  }
}
