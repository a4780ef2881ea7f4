package dev.idtoken.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded jar as a separate process, as a user would: java -jar validator-cli-*-all.jar. */
class IdTokenCliIT {
  private static final String ISSUER = "https://issuer.example";
  private static final String CLIENT_ID = "client-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestIssuer issuer = TestIssuer.create(ISSUER, CLIENT_ID);
  @TempDir Path dir;
  private Path jwks;

  record Run(int exit, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }

    Set<String> codes() throws IOException {
      Set<String> codes = new TreeSet<>();
      json().path("errors").forEach(e -> codes.add(e.path("code").asText()));
      return codes;
    }
  }

  @BeforeEach
  void writeJwks() throws IOException {
    jwks = Files.writeString(dir.resolve("jwks.json"), issuer.jwksJson());
  }

  static Run run(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A short-lived command: start fast rather than optimise (some thirty runs per build).
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-jar", System.getProperty("cli.jar")));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the command did not finish");
      return new Run(process.exitValue(), out.get(), err.get());
    } finally {
      process.destroyForcibly();
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Run verify(String token, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID, "--jwks", jwks.toString()));
    args.addAll(List.of(extra));
    args.add(token);
    return run(null, args.toArray(String[]::new));
  }

  private static void assertNoSignature(String token, Run run) {
    String signature = token.substring(token.lastIndexOf('.') + 1);
    assertFalse(run.out.contains(signature) || run.err.contains(signature), "the signature was printed");
  }

  @Test
  void verify_validTokenOfflineWithJwksFile_exits0AndPrintsClaimsButNoSignature() throws Exception {
    String token = issuer.token().subject("alice").sign();

    Run run = verify(token);

    assertEquals(0, run.exit, run::toString);
    assertTrue(run.out.startsWith("VALID"), run.out);
    assertTrue(run.out.contains("sub: alice"), run.out);
    assertNoSignature(token, run);
  }

  @Test
  void verify_json_validTokenHasResultHeaderAndIsoTimes() throws Exception {
    Instant exp = Instant.now().plusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Run run = verify(issuer.token().expiresAt(exp).sign(), "--json");

    assertEquals(0, run.exit, run::toString);
    assertEquals("valid", run.json().path("result").asText());
    assertEquals("RS256", run.json().path("header").path("alg").asText());
    assertEquals(exp.toString(), run.json().path("claims").path("exp").asText());
  }

  @Test
  void verify_severalBadClaims_exits1AndReportsEveryFailedCheck() throws Exception {
    String token = issuer.token()
        .expiresAt(Instant.now().minusSeconds(3600))
        .issuedAt(Instant.now().minusSeconds(7200))
        .audience("someone-else")
        .nonce("n-1")
        .sign();

    Run run = verify(token, "--json", "--nonce", "n-2");

    assertEquals(1, run.exit, run::toString);
    assertEquals("invalid", run.json().path("result").asText());
    assertEquals(Set.of("EXPIRED", "AUDIENCE_MISMATCH", "NONCE_MISMATCH"), run.codes());
    assertNoSignature(token, run);
  }

  @Test
  void verify_text_invalidListsEachCode() throws Exception {
    Run run = verify(issuer.token().expiresAt(Instant.now().minusSeconds(3600))
        .issuedAt(Instant.now().minusSeconds(7200)).audience("someone-else").sign());

    assertEquals(1, run.exit, run::toString);
    assertTrue(run.out.contains("EXPIRED") && run.out.contains("AUDIENCE_MISMATCH"), run.out);
  }

  @Test
  void verify_tamperedSignature_exits1WithSignatureInvalid() throws Exception {
    String token = issuer.hostile(dev.idtoken.testkit.Hostile.TAMPERED_SIGNATURE);

    Run run = verify(token, "--json");

    assertEquals(1, run.exit, run::toString);
    assertEquals(Set.of("SIGNATURE_INVALID"), run.codes());
  }

  @Test
  void verify_tokenFromStandardInput_exits0() throws Exception {
    Run run = run(issuer.token().sign() + "\n",
        "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID, "--jwks", jwks.toString(), "-");

    assertEquals(0, run.exit, run::toString);
  }

  @Test
  void verify_atTimeInsideAnOldTokensLifetime_exits0_andNowExits1() throws Exception {
    Instant issued = Instant.parse("2024-05-01T10:00:00Z");
    String token = issuer.token().issuedAt(issued).expiresAt(issued.plusSeconds(300)).sign();

    assertEquals(0, verify(token, "--at", "2024-05-01T10:01:00Z").exit);
    assertEquals(0, verify(token, "--at", String.valueOf(issued.getEpochSecond() + 60)).exit);
    assertEquals(1, verify(token).exit);
  }

  @Test
  void verify_algorithmNotAllowed_exits1_andAllowedWithAlg() throws Exception {
    TestIssuer ec = TestIssuer.create(ISSUER, CLIENT_ID).useSigningKey(TestKey.ec("P-256"));
    Files.writeString(jwks, ec.jwksJson());
    String token = ec.token().sign();

    Run refused = verify(token, "--json");
    Run allowed = verify(token, "--alg", "ES256,RS256");

    assertEquals(Set.of("ALGORITHM_NOT_ALLOWED"), refused.codes());
    assertEquals(1, refused.exit);
    assertEquals(0, allowed.exit, allowed::toString);
  }

  @Test
  void verify_jwksUriAndDiscoveryFromAProvider_exit0() throws Exception {
    try (FakeProvider provider = FakeProvider.start(CLIENT_ID)) {
      String token = provider.issuer().token().sign();
      Run byUri = run(null, "verify", "--issuer", provider.issuerUrl(), "--client-id", CLIENT_ID,
          "--jwks-uri", provider.jwksUri().toString(), "--insecure-loopback-http", token);
      Run byDiscovery = run(null, "verify", "--issuer", provider.issuerUrl(), "--client-id", CLIENT_ID,
          "--discovery", "--insecure-loopback-http", token);

      assertEquals(0, byUri.exit, byUri::toString);
      assertEquals(0, byDiscovery.exit, byDiscovery::toString);
    }
  }

  @Test
  void verify_providerFailing_exits2WithKeysUnavailable() throws Exception {
    try (FakeProvider provider = FakeProvider.start(CLIENT_ID)) {
      provider.failJwks(1000, 500);
      Run run = run(null, "verify", "--issuer", provider.issuerUrl(), "--client-id", CLIENT_ID,
          "--jwks-uri", provider.jwksUri().toString(), "--insecure-loopback-http", "--json",
          provider.issuer().token().sign());

      assertEquals(2, run.exit, run::toString);
      assertEquals("unavailable", run.json().path("result").asText());
      assertEquals(Set.of("KEYS_UNAVAILABLE"), run.codes());
    }
  }

  @Test
  void verify_unreadableJwksFile_exits2() throws Exception {
    Run run = run(null, "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID,
        "--jwks", dir.resolve("missing.json").toString(), issuer.token().sign());

    assertEquals(2, run.exit, run::toString);
  }

  @Test
  void verify_usageErrors_exit64() throws Exception {
    String token = issuer.token().sign();
    // No key option; two key options; an unknown algorithm; alg none; a bad time; plain http.
    assertEquals(64, run(null, "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID, token).exit);
    assertEquals(64, run(null, "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID,
        "--jwks", jwks.toString(), "--discovery", token).exit);
    assertEquals(64, verify(token, "--alg", "RS257").exit);
    assertEquals(64, verify(token, "--alg", "none").exit);
    assertEquals(64, verify(token, "--at", "yesterday").exit);
    assertEquals(64, run(null, "verify", "--issuer", ISSUER, "--client-id", CLIENT_ID,
        "--jwks-uri", "http://keys.example/jwks", token).exit);
    assertEquals(64, run(null).exit);
    assertEquals(64, run(null, "frobnicate").exit);
  }

  @Test
  void help_exits0AndNamesTheExitCodes() throws Exception {
    Run run = run(null, "verify", "--help");

    assertEquals(0, run.exit);
    assertTrue(run.out.contains("--jwks-uri"), run.out);
  }

  @Test
  void inspect_withoutInsecure_exits64() throws Exception {
    assertEquals(64, run(null, "inspect", issuer.token().sign()).exit);
  }

  @Test
  void inspect_insecure_decodesLabelledUnverified_withoutSignatureOrEmbeddedKey() throws Exception {
    TestKey attacker = TestKey.rsa(2048);
    String token = issuer.token().subject("bob").header("jwk", attacker.publicJwk()).sign();
    String modulus = (String) attacker.publicJwk().get("n");

    Run text = run(null, "inspect", "--insecure", token);
    Run json = run(token, "inspect", "--insecure", "--json", "-");

    assertEquals(0, text.exit, text::toString);
    assertTrue(text.out.startsWith("UNVERIFIED"), text.out);
    assertTrue(text.out.contains("sub: bob"), text.out);
    assertEquals(0, json.exit, json::toString);
    assertFalse(json.json().path("verified").asBoolean(true));
    assertEquals("bob", json.json().path("payload").path("sub").asText());
    for (Run run : List.of(text, json)) {
      assertNoSignature(token, run);
      assertFalse(run.out.contains(modulus), "an embedded key was printed");
    }
  }

  @Test
  void inspect_malformedOrEncrypted_exits1() throws Exception {
    assertEquals(1, run(null, "inspect", "--insecure", "not-a-token").exit);
    assertEquals(1, run(null, "inspect", "--insecure", "a.b.c.d.e").exit);
    assertEquals(1, run(null, "inspect", "--insecure", "!!!.@@@.sig").exit);
  }
}
