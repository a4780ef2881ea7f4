package dev.idtoken.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A fake OpenID provider on loopback that serves a discovery document and the JWKS of its {@link
 * #issuer()}, with scripted faults and counted requests. Start one per test and close it at the end
 * (try-with-resources, or {@code FakeProviderExtension}), or one per test class (a {@code @BeforeAll}
 * parameter of {@code FakeProviderExtension}, or a static field closed in {@code @AfterAll}) when a
 * framework needs the issuer URL before its context starts.
 *
 * <p>Thread-safe: requests are served concurrently, and the script may be changed while they are.
 *
 * <p>Defaults: listens on {@code 127.0.0.1} on a free port; the issuer URL is {@code
 * http://127.0.0.1:PORT} (no trailing slash; {@code https} with {@link #startHttps()}), the client id
 * {@value #DEFAULT_CLIENT_ID}; discovery at
 * {@value #DISCOVERY_PATH}, JWKS at {@value #JWKS_PATH}; no faults, no {@code Cache-Control}, no
 * {@code Age}, no {@code ETag}. Other paths answer 404.
 *
 * <p>Faults are queued per endpoint in call order: each applies to the next {@code times} requests
 * of its endpoint, then the next fault (or normal service) takes over. {@link #down()} overrides
 * everything until {@link #up()}.
 */
public final class FakeProvider implements AutoCloseable {

  /** Client id of {@link #start()}. */
  public static final String DEFAULT_CLIENT_ID = "test-client";

  public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
  public static final String JWKS_PATH = "/jwks";

  /** Body bytes sent per period by {@link #slowDripJwks}. */
  public static final int SLOW_DRIP_CHUNK_BYTES = 16;

  private final Object lock = new Object();
  private final CountDownLatch started = new CountDownLatch(1);
  private final MockWebServer server;
  private final String issuerUrl;
  private final TestIssuer issuer;
  private final SSLContext clientSslContext; // null for plain HTTP
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private final AtomicInteger conditionalJwksRequests = new AtomicInteger();

  // Guarded by lock.
  private final Deque<Fault> jwksFaults = new ArrayDeque<>();
  private final Deque<Fault> discoveryFaults = new ArrayDeque<>();
  private String discoveryIssuer;
  private List<String> signingAlgValues;
  private String cacheControl;
  private String age;
  private boolean etag;
  private boolean down;
  private List<String> extraJwks = List.of();

  private FakeProvider(String clientId, boolean https) throws IOException {
    server = new MockWebServer();
    server.setDispatcher(new Handler());
    if (https) {
      // A fresh self-signed certificate per provider: nothing to keep on disk, nothing to expire.
      HeldCertificate certificate = new HeldCertificate.Builder()
          .commonName("idtoken FakeProvider")
          .addSubjectAlternativeName("127.0.0.1")
          .addSubjectAlternativeName("localhost")
          .duration(1, TimeUnit.DAYS)
          .build();
      server.useHttps(new HandshakeCertificates.Builder()
          .heldCertificate(certificate)
          .build()
          .sslSocketFactory());
      clientSslContext = new HandshakeCertificates.Builder()
          .addTrustedCertificate(certificate.certificate())
          .build()
          .sslContext();
    } else {
      clientSslContext = null;
    }
    // Starting binds a socket, so it happens outside any monitor; a request that arrives before the
    // fields below are assigned waits for the latch instead.
    server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    issuerUrl = (https ? "https" : "http") + "://127.0.0.1:" + server.getPort();
    issuer = TestIssuer.create(issuerUrl, clientId);
    started.countDown();
  }

  /** Starts a provider for client id {@value #DEFAULT_CLIENT_ID}. */
  public static FakeProvider start() {
    return start(DEFAULT_CLIENT_ID);
  }

  /**
   * Starts a provider whose issuer mints tokens for {@code clientId}.
   *
   * @throws UncheckedIOException if the server cannot listen
   */
  public static FakeProvider start(String clientId) {
    return start(clientId, false);
  }

  /**
   * Starts a provider for client id {@value #DEFAULT_CLIENT_ID} that serves HTTPS only, with a
   * self-signed certificate made for {@code 127.0.0.1} and {@code localhost}; hand {@link
   * #sslContext()} to the HTTP client that fetches the keys.
   */
  public static FakeProvider startHttps() {
    return startHttps(DEFAULT_CLIENT_ID);
  }

  /**
   * Starts an HTTPS provider (see {@link #startHttps()}) whose issuer mints tokens for {@code clientId}.
   *
   * @throws UncheckedIOException if the server cannot listen
   */
  public static FakeProvider startHttps(String clientId) {
    return start(clientId, true);
  }

  private static FakeProvider start(String clientId, boolean https) {
    Objects.requireNonNull(clientId, "clientId");
    try {
      return new FakeProvider(clientId, https);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake provider", e);
    }
  }

  /** The issuer behind this provider: its keys are the JWKS served, its {@code issuer()} is {@link #issuerUrl()}. */
  public TestIssuer issuer() {
    return issuer;
  }

  /** {@code http://127.0.0.1:PORT} ({@code https} for {@link #startHttps()}), without a trailing slash. */
  public String issuerUrl() {
    return issuerUrl;
  }

  /** Whether this provider serves HTTPS ({@link #startHttps()}). */
  public boolean isHttps() {
    return clientSslContext != null;
  }

  /**
   * For an HTTPS provider: a TLS context that trusts this provider's self-signed certificate and
   * nothing else, for the client that fetches its discovery document and keys. The same instance on
   * every call.
   *
   * @throws IllegalStateException if the provider serves plain HTTP ({@link #start()})
   */
  public SSLContext sslContext() {
    if (clientSslContext == null) {
      throw new IllegalStateException("this provider serves plain HTTP: start it with startHttps()");
    }
    return clientSslContext;
  }

  /** The issuer URL followed by {@value #DISCOVERY_PATH}. */
  public URI discoveryUri() {
    return URI.create(issuerUrl + DISCOVERY_PATH);
  }

  /** The issuer URL followed by {@value #JWKS_PATH}. */
  public URI jwksUri() {
    return URI.create(issuerUrl + JWKS_PATH);
  }

  /** Serves {@code issuerOverride} as the discovery {@code "issuer"} ({@code null}: the real one). */
  public FakeProvider discoveryIssuer(String issuerOverride) {
    synchronized (lock) {
      discoveryIssuer = issuerOverride;
    }
    return this;
  }

  /**
   * Serves these {@code id_token_signing_alg_values_supported} ({@code null}: the default, each
   * published key's JWK {@code alg} or else its default algorithm, without duplicates).
   */
  public FakeProvider idTokenSigningAlgValuesSupported(List<String> algsOrNull) {
    synchronized (lock) {
      signingAlgValues = algsOrNull == null ? null : List.copyOf(algsOrNull);
    }
    return this;
  }

  /** The next {@code times} JWKS requests get {@code status} (such as 500) and a text body. */
  public FakeProvider failJwks(int times, int status) {
    return queue(jwksFaults, times, body -> status(status));
  }

  /** The next {@code times} discovery requests get {@code status} and a text body. */
  public FakeProvider failDiscovery(int times, int status) {
    return queue(discoveryFaults, times, body -> status(status));
  }

  /** The next {@code times} JWKS requests get 200 with a body that is not JSON. */
  public FakeProvider malformedJwks(int times) {
    return queue(jwksFaults, times, body -> jwks200("{\"keys\":[{\"kty\":\"RSA\",<html>not json"));
  }

  /**
   * The next {@code times} JWKS requests get 200 with a JSON body of {@code bytes} bytes (at least
   * the real JWKS plus a few bytes): the real keys, then a {@code "padding"} member.
   */
  public FakeProvider oversizedJwks(int times, int bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    return queue(jwksFaults, times, body -> jwks200(padded(body, bytes)));
  }

  /** The next {@code times} JWKS requests get {@code {"keys":[]}}. */
  public FakeProvider emptyJwks(int times) {
    return queue(jwksFaults, times, body -> jwks200("{\"keys\":[]}"));
  }

  /** The next {@code times} JWKS responses are normal but their headers wait {@code headersDelay}. */
  public FakeProvider delayJwks(int times, Duration headersDelay) {
    long nanos = headersDelay.toNanos();
    return queue(jwksFaults, times, null, r -> r.headersDelay(nanos, TimeUnit.NANOSECONDS));
  }

  /**
   * The next {@code times} JWKS responses are normal but their body trickles out, {@value
   * #SLOW_DRIP_CHUNK_BYTES} bytes per {@code perChunk}.
   */
  public FakeProvider slowDripJwks(int times, Duration perChunk) {
    long nanos = perChunk.toNanos();
    return queue(
        jwksFaults, times, null, r -> r.throttleBody(SLOW_DRIP_CHUNK_BYTES, nanos, TimeUnit.NANOSECONDS));
  }

  /**
   * Appends these JSON objects, verbatim, to the {@code keys} of every later normal JWKS response:
   * keys a relying party cannot use (an unknown {@code kty}, a post-quantum {@code AKP} key), which
   * RFC 7517 §5 says it should ignore. No arguments: none again.
   */
  public FakeProvider extraJwks(String... rawJwkObjects) {
    List<String> copy = List.of(rawJwkObjects);
    synchronized (lock) {
      extraJwks = copy;
    }
    return this;
  }

  /** Sends this {@code Cache-Control} with every later JWKS response ({@code null}: none). */
  public FakeProvider jwksCacheControl(String headerValueOrNull) {
    synchronized (lock) {
      cacheControl = headerValueOrNull;
    }
    return this;
  }

  /** Sends this {@code Age} with every later JWKS response ({@code null}: none). */
  public FakeProvider jwksAge(String ageOrNull) {
    synchronized (lock) {
      age = ageOrNull;
    }
    return this;
  }

  /**
   * Whether normal JWKS responses carry a strong {@code ETag} (a hash of the body), answering 304
   * when {@code If-None-Match} matches it.
   */
  public FakeProvider jwksEtag(boolean enabled) {
    synchronized (lock) {
      etag = enabled;
    }
    return this;
  }

  /** From now on every request gets 503 until {@link #up()}; queued faults wait. */
  public FakeProvider down() {
    synchronized (lock) {
      down = true;
    }
    return this;
  }

  /** Ends {@link #down()}. */
  public FakeProvider up() {
    synchronized (lock) {
      down = false;
    }
    return this;
  }

  /** JWKS requests received so far, whatever the answer. */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** Discovery requests received so far, whatever the answer. */
  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /** JWKS requests received so far that carried {@code If-None-Match}. */
  public int conditionalJwksRequests() {
    return conditionalJwksRequests.get();
  }

  /** Stops the server and closes its connections. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FakeProvider[" + issuerUrl + "]";
  }

  private FakeProvider queue(Deque<Fault> faults, int times, Function<String, MockResponse> response) {
    return queue(faults, times, response, null);
  }

  private FakeProvider queue(
      Deque<Fault> faults,
      int times,
      Function<String, MockResponse> response,
      Function<MockResponse.Builder, MockResponse.Builder> onNormal) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be positive: " + times);
    }
    synchronized (lock) {
      faults.addLast(new Fault(times, response, onNormal));
    }
    return this;
  }

  private MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    boolean jwks = JWKS_PATH.equals(path);
    boolean discovery = DISCOVERY_PATH.equals(path);
    if (jwks) {
      jwksRequests.incrementAndGet();
      if (request.getHeaders().get("If-None-Match") != null) {
        conditionalJwksRequests.incrementAndGet();
      }
    } else if (discovery) {
      discoveryRequests.incrementAndGet();
    }
    Fault fault;
    String cacheControlNow;
    String ageNow;
    boolean etagNow;
    List<String> extraNow;
    String discoveryBody = null;
    synchronized (lock) {
      if (down) {
        return status(503);
      }
      if (!jwks && !discovery) {
        return status(404);
      }
      fault = take(jwks ? jwksFaults : discoveryFaults);
      cacheControlNow = cacheControl;
      ageNow = age;
      etagNow = etag;
      extraNow = extraJwks;
      if (discovery) {
        discoveryBody = discoveryJson();
      }
    }
    if (fault != null && fault.response != null) {
      return decorate(fault.response.apply(issuer.jwksJson()), jwks, cacheControlNow, ageNow, null);
    }
    MockResponse.Builder normal;
    if (discovery) {
      normal = json(200, discoveryBody);
    } else {
      String body = withExtraKeys(issuer.jwksJson(), extraNow);
      String tag = etagNow ? etagOf(body) : null;
      String ifNoneMatch = request.getHeaders().get("If-None-Match");
      if (tag != null && ifNoneMatch != null && matches(ifNoneMatch, tag)) {
        normal = new MockResponse.Builder().code(304);
      } else {
        normal = json(200, body);
      }
      normal = decorate(normal, true, cacheControlNow, ageNow, tag);
    }
    if (fault != null) {
      normal = fault.onNormal.apply(normal);
    }
    return normal.build();
  }

  private static MockResponse decorate(
      MockResponse response, boolean jwks, String cacheControl, String age, String etag) {
    if (!jwks || response.getCode() != 200) {
      return response;
    }
    return decorate(response.newBuilder(), true, cacheControl, age, etag).build();
  }

  private static MockResponse.Builder decorate(
      MockResponse.Builder builder, boolean jwks, String cacheControl, String age, String etag) {
    if (jwks) {
      if (cacheControl != null) {
        builder.setHeader("Cache-Control", cacheControl);
      }
      if (age != null) {
        builder.setHeader("Age", age);
      }
      if (etag != null) {
        builder.setHeader("ETag", etag);
      }
    }
    return builder;
  }

  private static Fault take(Deque<Fault> faults) {
    Fault head = faults.peekFirst();
    if (head == null) {
      return null;
    }
    if (--head.remaining == 0) {
      faults.removeFirst();
    }
    return head;
  }

  private String discoveryJson() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("issuer", discoveryIssuer != null ? discoveryIssuer : issuerUrl);
    document.put("authorization_endpoint", issuerUrl + "/authorize");
    document.put("token_endpoint", issuerUrl + "/token");
    document.put("jwks_uri", issuerUrl + JWKS_PATH);
    document.put("response_types_supported", List.of("code", "id_token", "id_token token"));
    document.put("subject_types_supported", List.of("public"));
    document.put("id_token_signing_alg_values_supported", algValues());
    return Codec.json(document);
  }

  private List<String> algValues() {
    if (signingAlgValues != null) {
      return signingAlgValues;
    }
    Set<String> algs = new LinkedHashSet<>();
    for (TestKey key : issuer.publishedKeys()) {
      algs.add(key.jwkAlgorithm() != null ? key.jwkAlgorithm() : key.defaultAlgorithm());
    }
    return new ArrayList<>(algs);
  }

  private static MockResponse.Builder json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body);
  }

  private static MockResponse jwks200(String body) {
    return json(200, body).build();
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "text/plain")
        .body("FakeProvider: scripted status " + code)
        .build();
  }

  private static String padded(String jwks, int bytes) {
    String head = jwks.substring(0, jwks.length() - 1) + ",\"padding\":\"";
    String tail = "\"}";
    int padding = Math.max(0, bytes - head.length() - tail.length());
    return head + "A".repeat(padding) + tail;
  }

  private static String etagOf(String body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
      return "\"" + Codec.b64url(Arrays.copyOf(hash, 16)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 9110 §13.1.2: weak comparison over a list of entity tags, or {@code *}. */
  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** One queued fault: either a replacement response, or a change to the normal one. */
  // The kit's own JWKS is {"keys":[...]}: the extra objects go before the closing "]}".
  private static String withExtraKeys(String jwks, List<String> extra) {
    if (extra.isEmpty()) {
      return jwks;
    }
    String head = jwks.substring(0, jwks.length() - 2);
    return head + (head.endsWith("[") ? "" : ",") + String.join(",", extra) + "]}";
  }

  private static final class Fault {
    int remaining;
    final Function<String, MockResponse> response;
    final Function<MockResponse.Builder, MockResponse.Builder> onNormal;

    Fault(
        int remaining,
        Function<String, MockResponse> response,
        Function<MockResponse.Builder, MockResponse.Builder> onNormal) {
      this.remaining = remaining;
      this.response = response;
      this.onNormal = onNormal;
    }
  }

  private final class Handler extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      started.await();
      return FakeProvider.this.dispatch(request);
    }
  }
}
