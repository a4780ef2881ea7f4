package dev.idtoken.jwks;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.TrustedIssuers;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Trusted issuers that are added and removed at run time, each with its own discovery, key cache and
 * validator: for back ends where each customer registers its own identity provider. Use it with
 * {@code MultiIssuerValidator.of(registry)}.
 *
 * <p>Built for thousands of issuers: their fetches go through one {@link FetchScheduler} (at most
 * {@link FetchScheduler#DEFAULT_MAX_FETCHES_PER_HOST} at once per host, tokens waiting ahead of
 * background refreshes), on a fixed number of threads whatever their count; an issuer's keys load
 * on its first token, and its refresh-ahead stops after {@link #DEFAULT_IDLE_AFTER} without one
 * (see {@link Builder#loadKeysEagerly()}).
 *
 * <p>Thread-safe. {@link #validatorFor(String)} answers from memory and never waits; an issuer's keys
 * load in the background, and while they cannot be had its tokens are answered {@code Unavailable}
 * (503). Each issuer has its own {@link RemoteKeySource}, so a failed discovery for one issuer is
 * retried with backoff on its own, never sticks, and never affects the others. Registering performs
 * no network I/O. The issuers share HTTP clients (one per connect timeout and TLS context) and the
 * fetch scheduler; nothing else.
 *
 * <p>Registrants are not trusted with the server's network: discovery and {@code jwks_uri} fetches
 * connect only to public addresses. Loopback, link-local (169.254.0.0/16, where cloud metadata
 * services live; fe80::/10), private (RFC 1918, fc00::/7), carrier-grade NAT (100.64.0.0/10),
 * multicast, unspecified and reserved addresses are refused unless
 * {@link Builder#dangerouslyAllowPrivateAddresses()} is set. Every address a host name resolves to is
 * checked, and the connection goes to a checked address (so a name that changes its answer between
 * the check and the connection, DNS rebinding, gains nothing); redirects are never followed. A
 * refused fetch is a fetch failure: the issuer's tokens are answered {@code Unavailable} and
 * {@link #health(String)} says why.
 *
 * <pre>{@code
 * IssuerRegistry registry = IssuerRegistry.builder()
 *     .keySourceDefaults(keys -> keys.maxStale(Duration.ofHours(6)))
 *     .build();
 * registry.register("https://login.customer-a.example", "client-a");
 * registry.register("https://idp.customer-b.example", "client-b",
 *     validator -> validator.allowedAlgorithms(JwsAlgorithm.ES256), keys -> {});
 * MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
 * }</pre>
 */
public final class IssuerRegistry implements TrustedIssuers, AutoCloseable {
  /**
   * How long an issuer goes without a token before its refresh-ahead stops: 1 hour. Its keys are
   * kept; its next token refreshes them (see {@link RemoteKeySource.Builder#idleAfter}).
   */
  public static final Duration DEFAULT_IDLE_AFTER = Duration.ofHours(1);

  private final FetchScheduler scheduler;
  private final boolean ownsScheduler;
  private final boolean eager;
  private final Consumer<RemoteKeySource.Builder> keySourceDefaults;
  private final Consumer<IdTokenValidator.Builder> validatorDefaults;
  private final ConcurrentHashMap<String, Registration> byIssuer = new ConcurrentHashMap<>();
  private final SSLContext sslContext;
  private final ConcurrentHashMap<ClientSettings, HttpClient> clients = new ConcurrentHashMap<>();
  private final GuardedHttp guardedHttp; // null when private addresses are allowed
  private volatile boolean closed;

  private record Registration(IdTokenValidator validator, RemoteKeySource keys) {}

  /** What an HTTP client is built from; an {@link SSLContext} compares by identity. */
  private record ClientSettings(Duration connectTimeout, SSLContext sslContext) {}

  private IssuerRegistry(Builder b) {
    this.keySourceDefaults = b.keySourceDefaults;
    this.validatorDefaults = b.validatorDefaults;
    this.sslContext = b.sslContext;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : FetchScheduler.builder().build();
    this.eager = b.eager;
    // Guarded exchanges block a thread each; the scheduler lets no more than its limit run at once.
    this.guardedHttp = b.addressPolicy == null ? null : new GuardedHttp(b.resolver, b.addressPolicy,
        scheduler.maxConcurrentFetches() + GuardedHttp.STUCK_LOOKUP_ROOM, scheduler.timers());
  }

  /** A builder; with no options, issuers get the defaults of {@link RemoteKeySource} and {@link IdTokenValidator}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trusts an issuer with the registry's defaults; see {@link #register(String, String, Consumer, Consumer)}.
   */
  public IdTokenValidator register(String issuer, String clientId) {
    return register(issuer, clientId, validator -> {}, keys -> {});
  }

  /**
   * Trusts an issuer, replacing (and closing) any earlier registration of the same issuer. Its keys
   * are found through OpenID Connect Discovery and start loading in the background.
   *
   * @param issuer the issuer identifier, compared exactly with each token's {@code iss}
   * @param clientId the client id its tokens must be meant for
   * @param validatorOptions further validator settings, applied after the registry's defaults; the
   *     issuer, client id and key source are set by the registry
   * @param keySourceOptions further key source settings, applied after the registry's defaults;
   *     calling {@link RemoteKeySource.Builder#jwksUri(java.net.URI)} there skips discovery
   * @return the issuer's validator
   * @throws IllegalStateException if the registry is closed, or the options are incomplete
   * @throws IllegalArgumentException if the issuer is not an HTTPS URL, or an option is out of range
   */
  public IdTokenValidator register(String issuer, String clientId,
      Consumer<IdTokenValidator.Builder> validatorOptions, Consumer<RemoteKeySource.Builder> keySourceOptions) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(validatorOptions, "validatorOptions");
    Objects.requireNonNull(keySourceOptions, "keySourceOptions");
    if (closed) {
      throw new IllegalStateException("the issuer registry is closed");
    }
    IdTokenValidator.Builder validator = IdTokenValidator.builder();
    validatorDefaults.accept(validator);
    validatorOptions.accept(validator);
    validator.issuer(issuer).clientId(clientId);
    // Check the validator's settings, and learn its algorithms, before anything starts fetching.
    Set<JwsAlgorithm> algorithms = validator.keySource(KeySet.empty()).build().allowedAlgorithms();

    RemoteKeySource.Builder keys = RemoteKeySource.builder().discovery(issuer).fetchScheduler(scheduler);
    if (!eager) {
      keys.loadOnFirstUse(true).idleAfter(DEFAULT_IDLE_AFTER);
    }
    if (sslContext != null) {
      keys.sslContext(sslContext);
    }
    keySourceDefaults.accept(keys);
    keySourceOptions.accept(keys);
    keys.expectedAlgorithms(algorithms);
    keys.httpClient = clients.computeIfAbsent(new ClientSettings(keys.connectTimeout, keys.sslContext),
        settings -> HttpFetcher.newClient(settings.connectTimeout(), settings.sslContext()));
    keys.transport = guardedHttp == null ? null : guardedHttp.transport(keys.connectTimeout, keys.sslContext);
    RemoteKeySource source = keys.build();
    IdTokenValidator built;
    try {
      built = validator.keySource(source).build();
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
    Registration previous = byIssuer.put(issuer, new Registration(built, source));
    if (previous != null) {
      previous.keys().close();
    }
    if (closed) {
      close(); // lost a race with close(): do not leave this one running
      throw new IllegalStateException("the issuer registry is closed");
    }
    return built;
  }

  /**
   * Stops trusting an issuer and closes its key source. Tokens being validated for it at that moment
   * may be answered {@code Unavailable}.
   *
   * @return whether the issuer was registered
   */
  public boolean remove(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    Registration removed = byIssuer.remove(issuer);
    if (removed == null) {
      return false;
    }
    removed.keys().close();
    return true;
  }

  /** The validator for exactly this issuer, from memory; empty when it is not registered. */
  @Override
  public Optional<IdTokenValidator> validatorFor(String issuer) {
    if (issuer == null) {
      return Optional.empty();
    }
    Registration registration = byIssuer.get(issuer);
    return registration == null ? Optional.empty() : Optional.of(registration.validator());
  }

  /** The registered issuers, a snapshot. */
  public Set<String> issuers() {
    return Set.copyOf(byIssuer.keySet());
  }

  /** The health of an issuer's key source, or empty when it is not registered. */
  public Optional<KeySourceHealth> health(String issuer) {
    Registration registration = issuer == null ? null : byIssuer.get(issuer);
    return registration == null ? Optional.empty() : Optional.of(registration.keys().health());
  }

  /**
   * Removes every issuer and closes its key source, then releases the shared HTTP clients (shut down
   * on JDK 21 and later; before that, they stop once no longer referenced); later registrations are
   * refused. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (String issuer : byIssuer.keySet()) {
      remove(issuer);
    }
    if (ownsScheduler) {
      scheduler.close();
    }
    for (ClientSettings settings : clients.keySet()) {
      HttpClient client = clients.remove(settings);
      if (client != null) {
        HttpFetcher.shutdownNow(client);
      }
    }
    if (guardedHttp != null) {
      guardedHttp.close();
    }
  }

  /**
   * The scheduler that paces the issuers' fetches: the one given to {@link Builder#fetchScheduler},
   * or the registry's own, with the defaults of {@link FetchScheduler}, closed with the registry.
   */
  public FetchScheduler fetchScheduler() {
    return scheduler;
  }

  /** How many HTTP clients the registry holds for its key sources (one per connect timeout and TLS context); for tests. */
  int sharedHttpClients() {
    return clients.size();
  }

  @Override
  public String toString() {
    return "IssuerRegistry" + issuers();
  }

  /** Configures an {@link IssuerRegistry}. Not thread-safe. */
  public static final class Builder {
    private Consumer<RemoteKeySource.Builder> keySourceDefaults = keys -> {};
    private Consumer<IdTokenValidator.Builder> validatorDefaults = validator -> {};
    private SSLContext sslContext;
    private FetchScheduler scheduler;
    private boolean eager;
    private AddressPolicy addressPolicy = AddressPolicy.PUBLIC_ONLY; // null: any address
    private HostResolver resolver = HostResolver.SYSTEM;

    private Builder() {}

    /**
     * The scheduler for the issuers' fetches, for instance shared with other registries (default:
     * the registry's own, built with the defaults of {@link FetchScheduler}). A given scheduler is
     * not closed by {@link IssuerRegistry#close()}.
     */
    public Builder fetchScheduler(FetchScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "fetchScheduler");
      return this;
    }

    /**
     * Loads each issuer's keys when it is registered and refreshes them ahead whether or not it has
     * traffic, as a lone {@link RemoteKeySource} does. By default an issuer's keys load on its first
     * token (which waits for them at most the key source's {@code maxWait}, else is answered
     * {@code Unavailable} with a retry-after hint), and refresh-ahead stops after
     * {@link #DEFAULT_IDLE_AFTER} without a token, so that idle tenants cost no fetch and no timer.
     */
    public Builder loadKeysEagerly() {
      this.eager = true;
      return this;
    }

    /**
     * Lets registered issuers' fetches connect to any address: loopback, link-local (cloud metadata
     * services), private, carrier-grade NAT, multicast, unspecified and reserved ones included. Only
     * for tests, or when every registrant is trusted and the identity providers live on an internal
     * network. Default: public addresses only.
     */
    public Builder dangerouslyAllowPrivateAddresses() {
      this.addressPolicy = null;
      return this;
    }

    /** The address policy (tests allow loopback only); default public addresses only. */
    Builder addressPolicy(AddressPolicy policy) {
      this.addressPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How host names are resolved (tests answer without DNS); default the system resolver. */
    Builder resolver(HostResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Settings applied to every issuer's key source before its own (default: none). */
    public Builder keySourceDefaults(Consumer<RemoteKeySource.Builder> defaults) {
      this.keySourceDefaults = Objects.requireNonNull(defaults, "keySourceDefaults");
      return this;
    }

    /** Settings applied to every issuer's validator before its own (default: none). */
    public Builder validatorDefaults(Consumer<IdTokenValidator.Builder> defaults) {
      this.validatorDefaults = Objects.requireNonNull(defaults, "validatorDefaults");
      return this;
    }

    /**
     * The TLS context of every issuer's key source (default: the JDK's); see
     * {@link RemoteKeySource.Builder#sslContext(SSLContext)}. An issuer's own key source options may
     * set another.
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** Builds an empty registry. */
    public IssuerRegistry build() {
      return new IssuerRegistry(this);
    }
  }
}
