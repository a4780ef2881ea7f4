package dev.idtoken.examples;

import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.Hostile;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import java.io.PrintStream;
import java.util.EnumSet;

/**
 * The library's main job end to end, on an embedded default: a fake OpenID provider on loopback
 * (the test kit's), a validator built for it, a good token accepted and each hostile token refused
 * with its typed reason. Run with {@code ./mvnw -q -Pdemo -DskipTests verify}.
 */
public final class Demo {
  private Demo() {}

  /** Runs the demo, printing to standard output; exits 0 when every outcome was as expected. */
  public static void main(String[] args) throws Exception {
    boolean ok = run(System.out);
    if (!ok) {
      System.exit(1);
    }
  }

  /** Runs the demo; returns whether every outcome was the expected one. */
  public static boolean run(PrintStream out) throws Exception {
    boolean ok = true;
    try (FakeProvider provider = FakeProvider.start("demo-spa")) {
      out.println("Fake OpenID provider on " + provider.issuerUrl());
      IdTokenValidator validator = IdTokenValidator.builder()
          .issuer(provider.issuerUrl())
          .clientId("demo-spa")
          .allowedAlgorithms(EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256))
          .keySource(KeySet.parse(provider.issuer().jwksJson()))
          .build();

      out.println();
      out.println("1. A good ID token");
      String good = provider.issuer().token().claim("email", "jane@example.com").sign();
      ValidationResult result = validator.validate(good);
      if (result instanceof ValidationResult.Valid valid) {
        VerifiedIdToken id = valid.token();
        out.printf("   VALID  iss=%s sub=%s expires=%s%n", id.issuer(), id.subject(), id.expiresAt());
      } else {
        out.println("   UNEXPECTED " + result);
        ok = false;
      }

      out.println();
      out.println("2. Hostile tokens, each refused with its typed reason");
      out.printf("   %-28s | %-9s | %s%n", "token", "outcome", "reason");
      out.printf("   %-28s-+-%-9s-+-%s%n", "-".repeat(28), "-".repeat(9), "-".repeat(28));
      for (Hostile kind : Hostile.values()) {
        ValidationResult r = validator.validate(provider.issuer().hostile(kind));
        String outcome = r instanceof ValidationResult.Invalid ? "401" : r.isValid() ? "ACCEPTED" : "503";
        String reason = r instanceof ValidationResult.Invalid invalid ? invalid.errors().toString() : "";
        out.printf("   %-28s | %-9s | %s%n", kind, outcome, reason);
        ok &= r instanceof ValidationResult.Invalid;
      }
    }
    out.println();
    out.println(ok ? "Demo finished: every outcome as expected." : "Demo finished WITH UNEXPECTED OUTCOMES.");
    return ok;
  }
}
