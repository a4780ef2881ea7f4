package dev.idtoken.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testlogs.CapturingLogs;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ReplayGuardException;
import dev.idtoken.validator.ValidationResult;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis guard against a real server: TTLs, outages, a hung server, authentication, options. */
class RedisReplayGuardTest {
  private static final Duration SKEW = Duration.ofSeconds(60);
  private static RedisServer server;
  private static RedisClient admin;
  private static StatefulRedisConnection<String, String> adminConnection;

  private final String prefix = "test-" + UUID.randomUUID() + ":";
  private final TestIssuer issuer = TestIssuer.create("https://login.example.com", "client-app");

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
    admin = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    adminConnection = admin.connect();
  }

  @AfterAll
  static void stopServer() {
    adminConnection.close();
    admin.shutdown();
    server.close();
  }

  private IdTokenValidator validator() throws Exception {
    return IdTokenValidator.builder().issuer(issuer.issuer()).clientId(issuer.clientId())
        .keySource(KeySet.parse(issuer.jwksJson())).clockSkew(SKEW).build();
  }

  private static Expectations login(RedisReplayGuard guard) {
    return Expectations.builder().oneTimeUse(guard).build();
  }

  private static ErrorCode unavailableCode(ValidationResult result) {
    return assertInstanceOf(ValidationResult.Unavailable.class, result, () -> "got " + result).error().code();
  }

  @Test
  void tryRecord_entryLivesUntilExpiryPlusSkew_byTheServersOwnTtl() throws Exception {
    Instant exp = Instant.now().plus(Duration.ofMinutes(5));
    try (RedisReplayGuard guard = RedisReplayGuard.builder().port(server.port()).keyPrefix(prefix).build()) {
      assertInstanceOf(ValidationResult.Valid.class,
          validator().validate(issuer.token().expiresAt(exp).sign(), login(guard)));
    }

    List<String> keys = adminConnection.sync().keys(prefix + "*");
    assertEquals(1, keys.size());
    assertEquals(44, keys.get(0).length() - prefix.length(), "a digest, not the token");
    long expected = exp.plus(SKEW).toEpochMilli() - Instant.now().toEpochMilli();
    long pttl = adminConnection.sync().pttl(keys.get(0));
    assertTrue(pttl <= expected + 1000 && pttl > expected - 5000, () -> "PTTL " + pttl + ", expected ~" + expected);
  }

  @Test
  void tryRecord_keepUntilPassed_theServerHasForgottenIt() throws Exception {
    try (RedisReplayGuard guard = RedisReplayGuard.builder().port(server.port()).keyPrefix(prefix).build()) {
      // PXAT is absolute: an instant the server's clock has passed is expired at once.
      assertTrue(guard.tryRecord("gone", Instant.now().minusSeconds(1)));
      assertEquals(-2L, adminConnection.sync().pttl(prefix + "gone"));
      assertTrue(guard.tryRecord("gone", Instant.now().plusSeconds(60)));
      assertFalse(guard.tryRecord("gone", Instant.now().plusSeconds(60)));
    }
  }

  @Test
  void tryRecord_nothingListening_throwsPromptly() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (RedisReplayGuard guard = RedisReplayGuard.builder().port(port).build()) {
      ValidationResult result = validator().validate(issuer.token().sign(), login(guard));
      assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE, unavailableCode(result));
    }
  }

  @Test
  void tryRecord_serverFrozen_timesOutAsUnavailable_thenRecovers() throws Exception {
    try (RedisServer frozen = RedisServer.start();
        RedisReplayGuard guard = RedisReplayGuard.builder().port(frozen.port())
            .commandTimeout(Duration.ofMillis(200)).build()) {
      IdTokenValidator validator = validator();
      assertInstanceOf(ValidationResult.Valid.class, validator.validate(issuer.token().sign(), login(guard)));

      frozen.freeze();
      long start = System.nanoTime();
      ValidationResult during = validator.validate(issuer.token().subject("during").sign(), login(guard));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      frozen.resume();

      assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE, unavailableCode(during));
      assertTrue(tookMillis < 2_000, () -> "took " + tookMillis + " ms");
      assertInstanceOf(ValidationResult.Valid.class,
          validator.validate(issuer.token().subject("after").sign(), login(guard)));
    }
  }

  /**
   * The server stops mid-run: every login is refused as unavailable, none accepted; once it is back
   * (with its data) the same guard recovers by itself, and what was used before is still used.
   */
  @Test
  void tryRecord_serverStoppedMidRun_refusesAll_thenRecoversWithoutRestart() throws Exception {
    try (RedisServer outage = RedisServer.start();
        RedisReplayGuard guard = RedisReplayGuard.builder().port(outage.port()).build()) {
      IdTokenValidator validator = validator();
      String before = issuer.token().subject("before").sign();
      String during = issuer.token().subject("during").sign();
      Map<String, Integer> accepted = new HashMap<>();
      List<ValidationResult> whileDown = new ArrayList<>();

      record(accepted, "before", validator.validate(before, login(guard)));
      outage.stop();
      for (int i = 0; i < 20; i++) {
        whileDown.add(validator.validate(before, login(guard)));
        whileDown.add(validator.validate(during, login(guard)));
      }
      CountDownLatch reconnected = new CountDownLatch(1);
      var subscription = guard.clientResources().eventBus().get()
          .filter(e -> e instanceof ConnectionActivatedEvent)
          .subscribe(e -> reconnected.countDown());
      outage.restart();
      assertTrue(reconnected.await(30, TimeUnit.SECONDS), "the guard did not reconnect");
      subscription.dispose();
      ValidationResult beforeAgain = validator.validate(before, login(guard));
      record(accepted, "during", validator.validate(during, login(guard)));
      ValidationResult duringAgain = validator.validate(during, login(guard));

      for (ValidationResult r : whileDown) {
        assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE, unavailableCode(r));
      }
      assertEquals(Map.of("before", 1, "during", 1), accepted);
      assertEquals(ErrorCode.TOKEN_REPLAYED, ((ValidationResult.Invalid) beforeAgain).code());
      assertEquals(ErrorCode.TOKEN_REPLAYED, ((ValidationResult.Invalid) duringAgain).code());
    }
  }

  private static void record(Map<String, Integer> accepted, String name, ValidationResult result) {
    if (result.isValid()) {
      accepted.merge(name, 1, Integer::sum);
    }
  }

  @Test
  void tryRecord_outage_logsOneWarningAndOneRecovery_neverAKey() throws Exception {
    String key = "secret-looking-key-" + UUID.randomUUID();
    try (RedisServer outage = RedisServer.start();
        RedisReplayGuard guard = RedisReplayGuard.builder().port(outage.port()).keyPrefix(prefix).build()) {
      assertTrue(guard.tryRecord(key, Instant.now().plusSeconds(60)));
      CapturingLogs.clear();
      outage.stop();
      for (int i = 0; i < 10; i++) {
        assertThrows(ReplayGuardException.class, () -> guard.tryRecord(key + "-new", Instant.now().plusSeconds(60)));
      }
      CountDownLatch reconnected = new CountDownLatch(1);
      var subscription = guard.clientResources().eventBus().get()
          .filter(e -> e instanceof ConnectionActivatedEvent)
          .subscribe(e -> reconnected.countDown());
      outage.restart();
      assertTrue(reconnected.await(30, TimeUnit.SECONDS), "the guard did not reconnect");
      subscription.dispose();
      assertFalse(guard.tryRecord(key, Instant.now().plusSeconds(60)), "kept across the restart");
    }

    List<String> ours = CapturingLogs.lines().stream()
        .filter(line -> line.contains(RedisReplayGuard.class.getName())).toList();
    assertEquals(1, ours.stream().filter(line -> line.startsWith("WARN")).count(), () -> String.join("\n", ours));
    assertEquals(1, ours.stream().filter(line -> line.startsWith("INFO")).count(), () -> String.join("\n", ours));
    // Lettuce's own TRACE/DEBUG protocol logging shows commands, keys included (SHA-256 digests, never
    // a token); at INFO and above nothing, ours or Lettuce's, may show a key.
    for (String line : CapturingLogs.lines()) {
      boolean clientDebug = (line.startsWith("TRACE") || line.startsWith("DEBUG"))
          && !line.contains(RedisReplayGuard.class.getName());
      assertFalse(!clientDebug && (line.contains(key) || line.contains(prefix)), () -> "a key was logged: " + line);
    }
  }

  @Test
  void tryRecord_passwordRequired_refusedWithoutIt_acceptedWithIt() throws Exception {
    try (RedisServer secured = RedisServer.start("--requirepass", "s3cret-pw");
        RedisReplayGuard none = RedisReplayGuard.builder().port(secured.port()).build();
        RedisReplayGuard wrong = RedisReplayGuard.builder().port(secured.port())
            .password("nope".toCharArray()).build();
        RedisReplayGuard right = RedisReplayGuard.builder().port(secured.port())
            .password("s3cret-pw".toCharArray()).build()) {
      IdTokenValidator validator = validator();
      String token = issuer.token().sign();

      assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE, unavailableCode(validator.validate(token, login(none))));
      assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE, unavailableCode(validator.validate(token, login(wrong))));
      assertInstanceOf(ValidationResult.Valid.class, validator.validate(token, login(right)));
    }
  }

  @Test
  void tryRecord_afterClose_throws() {
    RedisReplayGuard guard = RedisReplayGuard.builder().port(server.port()).build();
    guard.close();
    assertThrows(ReplayGuardException.class, () -> guard.tryRecord("k", Instant.now().plusSeconds(60)));
  }

  @Test
  void builder_badOptions_throwNamingTheOption() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> RedisReplayGuard.builder().port(0))
        .getMessage().contains("port"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RedisReplayGuard.builder().commandTimeout(Duration.ZERO)).getMessage().contains("commandTimeout"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RedisReplayGuard.builder().connectTimeout(Duration.ofMinutes(1))).getMessage().contains("connectTimeout"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> RedisReplayGuard.builder().keyPrefix("x".repeat(101))).getMessage().contains("keyPrefix"));
    assertThrows(IllegalArgumentException.class, () -> RedisReplayGuard.builder().host(" "));
    assertThrows(NullPointerException.class, () -> RedisReplayGuard.builder().password(null));
  }
}
