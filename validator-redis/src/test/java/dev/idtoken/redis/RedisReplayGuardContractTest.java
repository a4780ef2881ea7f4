package dev.idtoken.redis;

import dev.idtoken.validator.ReplayGuard;
import dev.idtoken.validator.ReplayGuardContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The replay contract on a real Redis server: each test has its own key prefix (an empty store) and
 * two guards, two clients with their own connections, playing two instances of a service.
 */
class RedisReplayGuardContractTest extends ReplayGuardContract {
  private static RedisServer server;

  private final String prefix = "test-" + UUID.randomUUID() + ":";
  private final RedisReplayGuard first = guardOn(prefix);
  private final RedisReplayGuard second = guardOn(prefix);

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void closeGuards() {
    first.close();
    second.close();
  }

  private static RedisReplayGuard guardOn(String prefix) {
    return RedisReplayGuard.builder().port(server.port()).keyPrefix(prefix).build();
  }

  @Override
  protected ReplayGuard guard() {
    return first;
  }

  @Override
  protected ReplayGuard anotherInstanceSharingTheStore() {
    return second;
  }
}
