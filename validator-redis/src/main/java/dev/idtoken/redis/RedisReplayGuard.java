package dev.idtoken.redis;

import dev.idtoken.validator.ReplayGuard;
import dev.idtoken.validator.ReplayGuardException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayGuard} shared by every instance of a service through one Redis (or Valkey) server:
 * each check is a single atomic {@code SET prefix+key 1 NX PXAT keepUntil}, so of any number of
 * concurrent presentations of one token, on any number of instances, exactly one is accepted, and the
 * server expires the entry itself.
 *
 * <p>Thread-safe; build one per service and share it (it holds one connection, which Lettuce
 * multiplexes across threads) and {@link #close()} it at shutdown. It fails closed: when the server is
 * unreachable, refuses the connection or authentication, or does not answer within
 * {@link Builder#commandTimeout(Duration)}, {@link #tryRecord} throws {@link ReplayGuardException} and
 * the login answers 503; it never accepts a token it could not record. The connection is opened on
 * first use (a service may start while Redis is down) and re-opened in the background after a loss,
 * retrying at most once a second, so the guard recovers without a restart. One warning is logged
 * per outage and one line when it ends; keys and tokens are never logged.
 *
 * <p>A check that timed out may still have been recorded by the server: that token then counts as
 * used, and the user signs in again (fail closed). Redis must keep what it recorded across a restart
 * (AOF or RDB persistence, or a replica) for as long as tokens live, or a restart forgets the tokens
 * used so far.
 *
 * <pre>{@code
 * RedisReplayGuard guard = RedisReplayGuard.builder()
 *     .host("redis.internal").port(6379)
 *     .tls().password(secret)
 *     .keyPrefix("myapp:idtoken-used:")
 *     .build();
 * ValidationResult result = validator.validate(idToken,
 *     Expectations.builder().nonce(nonce).oneTimeUse(guard).build());
 * }</pre>
 */
public final class RedisReplayGuard implements ReplayGuard, AutoCloseable {
  /** Default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "idtoken:replay:";
  /** Default bound on one command's round trip. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(500);
  /** Default bound on opening a connection (TCP, TLS and authentication). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** The longest timeout the builder accepts. */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
  // Commands waiting on the connection; past this a check fails at once instead of queueing.
  private static final int REQUEST_QUEUE_SIZE = 10_000;

  private static final Logger log = LoggerFactory.getLogger(RedisReplayGuard.class);

  private final String keyPrefix;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final String endpoint; // host:port, for logs
  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection =
      new AtomicReference<>();
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisReplayGuard(Builder b) {
    this.keyPrefix = b.keyPrefix;
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.endpoint = b.host + ":" + b.port;
    RedisURI.Builder uriBuilder = RedisURI.builder()
        .withHost(b.host)
        .withPort(b.port)
        .withDatabase(b.database)
        // Lettuce bounds the connection's initialisation (TLS handshake, AUTH, PING) by this; each
        // command is bounded by the TimeoutOptions below.
        .withTimeout(b.connectTimeout);
    if (b.tls) {
      uriBuilder.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
    }
    if (b.password != null) {
      if (b.username != null) {
        uriBuilder.withAuthentication(b.username, b.password);
      } else {
        uriBuilder.withPassword(b.password);
      }
    }
    this.uri = uriBuilder.build();
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        // Reconnect quickly after a blip, and at least once a second during a long outage.
        .reconnectDelay(Delay.exponential(
            Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
    ClientOptions.Builder options = ClientOptions.builder()
        .autoReconnect(true)
        // While disconnected, fail each check at once rather than buffer it for later.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_SIZE)
        .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout));
    if (b.tls) {
      SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
      if (b.trustManagerFactory != null) {
        ssl.trustManager(b.trustManagerFactory);
      }
      options.sslOptions(ssl.build());
    }
    this.client = RedisClient.create(resources, uri);
    client.setOptions(options.build());
  }

  /** A builder: {@code 127.0.0.1:6379}, no TLS, no password, the defaults of each option. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code SET NX PXAT} round trip, bounded by the command timeout (plus the connect timeout
   * when the connection must be opened first).
   *
   * @throws ReplayGuardException if the server could not be reached or did not answer in time, or
   *     after {@link #close()}
   */
  @Override
  public boolean tryRecord(String key, Instant keepUntil) throws ReplayGuardException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(keepUntil, "keepUntil");
    if (closed.get()) {
      throw new ReplayGuardException("the Redis replay guard is closed");
    }
    StatefulRedisConnection<String, String> conn = connection();
    String reply;
    try {
      reply = conn.async().set(keyPrefix + key, "1", SetArgs.Builder.nx().pxAt(keepUntil.toEpochMilli()))
          .get(commandTimeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayGuardException("interrupted while checking the Redis replay guard", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw outage(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
    }
    recovered();
    return "OK".equals(reply); // null: NX found the key, a replay
  }

  /** The open connection, opening it first if there is none (or the last attempt failed). */
  private StatefulRedisConnection<String, String> connection() throws ReplayGuardException {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
    if (current == null || current.isCompletedExceptionally()) {
      CompletableFuture<StatefulRedisConnection<String, String>> attempt = new CompletableFuture<>();
      if (connection.compareAndSet(current, attempt)) {
        // Opened outside any lock; concurrent callers wait on the same future.
        client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
          if (e != null) {
            attempt.completeExceptionally(e);
          } else if (closed.get()) {
            c.closeAsync();
            attempt.completeExceptionally(new IllegalStateException("closed"));
          } else {
            attempt.complete(c);
          }
        });
      }
      current = connection.get();
      if (current == null) {
        throw new ReplayGuardException("the Redis replay guard is closed");
      }
    }
    try {
      return current.get(connectTimeout.toNanos() + commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplayGuardException("interrupted while connecting to Redis", e);
    } catch (ExecutionException | TimeoutException e) {
      throw outage(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
    }
  }

  private ReplayGuardException outage(Throwable cause) {
    if (healthy.compareAndSet(true, false)) {
      log.warn("Redis replay guard at {} unavailable ({}): one-time logins are refused until it answers",
          endpoint, cause.getClass().getSimpleName());
    }
    return new ReplayGuardException("the Redis replay guard did not answer", cause);
  }

  private void recovered() {
    if (!healthy.get() && healthy.compareAndSet(false, true)) {
      log.info("Redis replay guard at {} answers again", endpoint);
    }
  }

  /** Closes the connection and the client's threads; later checks throw {@link ReplayGuardException}. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection.getAndSet(null);
    if (current != null) {
      current.thenAccept(StatefulRedisConnection::close);
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** The client's resources (its event bus announces reconnections); for tests. */
  ClientResources clientResources() {
    return resources;
  }

  @Override
  public String toString() {
    return "RedisReplayGuard[" + endpoint + ", tls=" + uri.isSsl() + ", keyPrefix=" + keyPrefix + "]";
  }

  /**
   * Configures a {@link RedisReplayGuard}. Not thread-safe. Setters check their argument
   * ({@code NullPointerException} for null, {@code IllegalArgumentException} naming the option).
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 6379;
    private int database;
    private boolean tls;
    private TrustManagerFactory trustManagerFactory;
    private String username;
    private char[] password;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

    private Builder() {}

    /**
     * The server's host name or address (default {@code 127.0.0.1}).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /**
     * The server's port (default 6379).
     *
     * @throws IllegalArgumentException if outside [1, 65535]
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1 and 65535");
      }
      this.port = port;
      return this;
    }

    /**
     * The logical database (default 0).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder database(int database) {
      if (database < 0) {
        throw new IllegalArgumentException("database must not be negative");
      }
      this.database = database;
      return this;
    }

    /** TLS, verifying the server's certificate and host name against the JDK's default trust store. */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** TLS, verifying the server's certificate and host name against these trust anchors. */
    public Builder tls(TrustManagerFactory trustManagerFactory) {
      this.trustManagerFactory = Objects.requireNonNull(trustManagerFactory, "trustManagerFactory");
      this.tls = true;
      return this;
    }

    /** The password ({@code AUTH password}); the array is copied. */
    public Builder password(char[] password) {
      Objects.requireNonNull(password, "password");
      this.password = Arrays.copyOf(password, password.length);
      return this;
    }

    /**
     * An ACL user and its password ({@code AUTH username password}, Redis 6+); the array is copied.
     *
     * @throws IllegalArgumentException if the user name is blank
     */
    public Builder user(String username, char[] password) {
      Objects.requireNonNull(username, "username");
      if (username.isBlank()) {
        throw new IllegalArgumentException("username must not be blank");
      }
      this.username = username;
      return password(password);
    }

    /**
     * Prepended to every key (default {@value RedisReplayGuard#DEFAULT_KEY_PREFIX}); give each
     * application its own when several share a server.
     *
     * @throws IllegalArgumentException if longer than 100 characters
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.length() > 100) {
        throw new IllegalArgumentException("keyPrefix must be at most 100 characters");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * The longest a check waits for the server's answer (default 500 ms); past it the login answers
     * 503.
     *
     * @throws IllegalArgumentException if not positive or above {@link RedisReplayGuard#MAX_TIMEOUT}
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = checkTimeout(timeout, "commandTimeout");
      return this;
    }

    /**
     * The longest opening a connection may take, TLS handshake and authentication included (default
     * 2 s).
     *
     * @throws IllegalArgumentException if not positive or above {@link RedisReplayGuard#MAX_TIMEOUT}
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkTimeout(timeout, "connectTimeout");
      return this;
    }

    /**
     * Builds the guard. It connects on first use, so building succeeds while the server is down.
     *
     * @throws IllegalStateException if a user name was set without a password
     */
    public RedisReplayGuard build() {
      if (username != null && password == null) {
        throw new IllegalStateException("user needs a password");
      }
      return new RedisReplayGuard(this);
    }

    private static Duration checkTimeout(Duration timeout, String name) {
      Objects.requireNonNull(timeout, name);
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(name + " must be positive and at most " + MAX_TIMEOUT);
      }
      return timeout;
    }
  }
}
