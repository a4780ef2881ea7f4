package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestKey;
import dev.idtoken.testkit.TokenBuilder;
import dev.idtoken.testlogs.CapturingLogs;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the key source logs: one warning per outage, and never a token, a claim or key material. */
class LoggingTest extends SourceTestSupport {

  private List<String> lines(String level) {
    String source = provider.jwksUri().toString();
    return CapturingLogs.lines().stream()
        .filter(l -> l.startsWith(level + " " + RemoteKeySource.class.getName()) && l.contains(source))
        .collect(Collectors.toList());
  }

  @Test
  void failingFetches_oneWarningPerOutageIntervalAndInfoOnRecovery() throws Exception {
    CapturingLogs.clear();
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    String token = token();
    provider.down();

    ticker.advance(Duration.ofMinutes(13)); // past refresh-ahead: a background refresh fails
    assertValid(validator.validate(token));
    listener.awaitCompletions(2);
    for (int i = 0, done = 2; i < 3; i++) { // three more failed retries, past each backoff
      ticker.advance(Duration.ofSeconds(8));
      assertValid(validator.validate(token));
      listener.awaitCompletions(++done);
    }
    assertEquals(1, lines("WARN").size(), CapturingLogs.lines()::toString);

    provider.up();
    ticker.advance(Duration.ofMinutes(1));
    assertValid(validator.validate(token));
    listener.awaitCompletions(6);
    assertEquals(1, lines("INFO").stream().filter(l -> l.contains("again after 4 failed")).count(),
        CapturingLogs.lines()::toString);

    provider.down(); // a new outage interval: a new warning
    ticker.advance(Duration.ofMinutes(13));
    assertValid(validator.validate(token));
    listener.awaitCompletions(7);
    assertEquals(2, lines("WARN").size());
  }

  @Test
  void logs_neverContainTokensClaimsOrKeys_andSanitiseKids() throws Exception {
    CapturingLogs.clear();
    IdTokenValidator validator = validator(loadedSource(b -> {}));
    String token = token();
    String forged = issuer().token().kid("evil\nkid\u001b[31m").signingInput() + ".AAAA";
    assertValid(validator.validate(token));
    assertInvalid(ErrorCode.KEY_NOT_FOUND, validator.validate(forged));
    provider.failJwks(1, 500);
    ticker.advance(Duration.ofMinutes(16));
    assertValid(validator.validate(token));
    listener.awaitCompletions(3);

    List<String> all = CapturingLogs.lines();
    assertTrue(all.stream().anyMatch(l -> l.contains("evil?kid?[31m")), all::toString);
    String modulus = issuer().signingKey().publicJwk().get("n").toString();
    for (String line : all) {
      assertFalse(line.contains("\n") || line.contains("\u001b"), line);
      for (String segment : token.split("\\.")) {
        assertFalse(line.contains(segment), line);
      }
      assertFalse(line.contains(TokenBuilder.DEFAULT_SUBJECT), line);
      assertFalse(line.contains(modulus.substring(0, 24)), line);
    }
  }

  @Test
  void logs_kidsAndAlgorithmsPublishedByTheProvider_sanitised() throws Exception {
    // A customer-registered provider is untrusted: what it publishes must not forge log lines.
    String hostileKid = "k1\nINFO dev.idtoken.jwks.RemoteKeySource: forged\u001b[31m";
    TestProvider raw = track(new TestProvider());
    raw.jwks("{\"keys\":[" + TestKey.rsa(2048).withKid(hostileKid).publicJwkJson() + "]}");
    String hostileAlg = "\"RS384\\nWARN forged\\r\"";
    CapturingLogs.clear();

    // The provider lists none of the expected algorithms: a warning that names its list.
    raw.discovery(r -> TestProvider.json(discoveryDocument(raw, hostileAlg)));
    track(testDefaults(RemoteKeySource.builder().discovery(raw.issuer()))
        .expectedAlgorithms(Set.of(JwsAlgorithm.RS256)).build());
    listener.awaitCompletions(1);
    // It lists one of the two expected algorithms: a debug line that names its list.
    raw.discovery(r -> TestProvider.json(discoveryDocument(raw, "\"RS256\"," + hostileAlg)));
    track(testDefaults(RemoteKeySource.builder().discovery(raw.issuer()))
        .expectedAlgorithms(Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256)).build());
    listener.awaitCompletions(2);

    List<String> all = CapturingLogs.lines();
    for (String line : all) {
      assertTrue(line.chars().noneMatch(c -> c < 0x20 || c == 0x7f), line);
    }
    assertTrue(all.stream().anyMatch(l -> l.startsWith("INFO") && l.contains("added [k1?INFO dev.idtoken")),
        all::toString);
    assertTrue(all.stream().anyMatch(l -> l.startsWith("WARN") && l.contains("RS384?WARN forged?")), all::toString);
    assertTrue(all.stream().anyMatch(l -> l.startsWith("DEBUG") && l.contains("RS384?WARN forged?")), all::toString);
    // Listeners get the kid as published, documented as untrusted input.
    assertTrue(listener.events.contains("changed +[" + hostileKid + "] -[]"), listener.events::toString);
  }

  private static String discoveryDocument(TestProvider raw, String algorithms) {
    return "{\"issuer\":\"" + raw.issuer() + "\",\"jwks_uri\":\"" + raw.jwksUri() + "\","
        + "\"id_token_signing_alg_values_supported\":[" + algorithms + "]}";
  }
}
