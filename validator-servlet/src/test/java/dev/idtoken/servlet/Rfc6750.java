package dev.idtoken.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of {@code WWW-Authenticate} challenges as RFC 6750 §3 defines them over RFC 7235
 * §2.1: the scheme {@code Bearer}, then comma-separated {@code name="value"} parameters, each name at
 * most once, {@code error} one of the three codes of §3.1, and the values of {@code error} and
 * {@code error_description} within {@code %x20-21 / %x23-5B / %x5D-7E}.
 */
final class Rfc6750 {
  private static final Set<String> PARAMS = Set.of("realm", "scope", "error", "error_description", "error_uri");
  private static final Set<String> ERRORS = Set.of("invalid_request", "invalid_token", "insufficient_scope");

  private Rfc6750() {}

  /** The challenge's parameters, in order; fails the test if the challenge breaks the grammar. */
  static Map<String, String> parse(String challenge) {
    if (challenge == null) {
      fail("no WWW-Authenticate header");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (!challenge.startsWith("Bearer")) {
      fail("not a Bearer challenge: " + challenge);
    }
    int i = "Bearer".length();
    if (i == challenge.length()) {
      // RFC 7235 §2.1 allows a scheme alone, and the filter sends it (no realm configured) when no
      // token came; RFC 6750 §3 asks for at least one parameter, which realm(...) provides.
      return params;
    }
    i = expect(challenge, i, ' ');
    while (true) {
      int nameStart = i;
      while (i < challenge.length() && BearerCredential.isTchar(challenge.charAt(i))) {
        i++;
      }
      String name = challenge.substring(nameStart, i);
      assertTrue(PARAMS.contains(name), () -> "unknown parameter '" + name + "' in " + challenge);
      i = expect(challenge, i, '=');
      i = expect(challenge, i, '"');
      int valueStart = i;
      while (i < challenge.length() && challenge.charAt(i) != '"') {
        char c = challenge.charAt(i);
        boolean nqschar = c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
        if (!nqschar) {
          fail("character " + (int) c + " not allowed in " + name + ": " + challenge);
        }
        i++;
      }
      String value = challenge.substring(valueStart, i);
      i = expect(challenge, i, '"');
      assertTrue(!value.isEmpty(), () -> "empty " + name + " in " + challenge);
      if (params.put(name, value) != null) {
        fail("parameter " + name + " repeated in " + challenge);
      }
      if (i == challenge.length()) {
        break;
      }
      i = expect(challenge, i, ',');
      i = expect(challenge, i, ' ');
    }
    if (params.containsKey("error")) {
      assertTrue(ERRORS.contains(params.get("error")), () -> "unknown error code in " + challenge);
    }
    if (params.containsKey("error_description")) {
      assertTrue(params.containsKey("error"), () -> "a description without an error: " + challenge);
    }
    return params;
  }

  private static int expect(String challenge, int at, char c) {
    if (at >= challenge.length() || challenge.charAt(at) != c) {
      fail("expected '" + c + "' at " + at + " in " + challenge);
    }
    return at + 1;
  }

  /** Checks the challenge's grammar and returns its {@code error} (or null for none). */
  static String error(String challenge) {
    return parse(challenge).get("error");
  }

  static void assertBare(String challenge, String realm) {
    Map<String, String> params = parse(challenge);
    assertEquals(realm == null ? Map.of() : Map.of("realm", realm), params, challenge);
  }
}
