package dev.idtoken.jwks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A raw scripted server on a loopback port, for what the test kit's {@code FakeProvider} does not
 * script: arbitrary JWKS and discovery responses (redirects, secret key material, too many keys,
 * chunked bodies, odd discovery documents), an issuer with a path, and the recorded request headers.
 * Serves discovery at {@code <issuer>/.well-known/openid-configuration} and the JWKS at {@code /jwks}.
 */
final class TestProvider implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  final List<RecordedRequest> jwksLog = new CopyOnWriteArrayList<>();
  final List<RecordedRequest> discoveryLog = new CopyOnWriteArrayList<>();
  private volatile String jwks = "{\"keys\":[]}";
  private volatile Map<String, String> jwksHeaders = Map.of();
  private volatile String etag;
  private volatile Function<RecordedRequest, MockResponse> jwksFailure;
  private volatile Function<RecordedRequest, MockResponse> discoveryBehaviour;
  private volatile String issuerPath = "";

  private final String scheme;

  TestProvider() throws IOException {
    this(null);
  }

  /** A provider that serves HTTPS with this server socket factory (plain HTTP when null). */
  TestProvider(SSLSocketFactory https) throws IOException {
    scheme = https == null ? "http" : "https";
    if (https != null) {
      server.useHttps(https);
    }
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/jwks")) {
          jwksRequests.incrementAndGet();
          jwksLog.add(request);
          Function<RecordedRequest, MockResponse> failure = jwksFailure;
          return failure != null ? failure.apply(request) : serveJwks(request);
        }
        if (path.equals(issuerPath + "/.well-known/openid-configuration")) {
          discoveryRequests.incrementAndGet();
          discoveryLog.add(request);
          Function<RecordedRequest, MockResponse> behaviour = discoveryBehaviour;
          return behaviour != null ? behaviour.apply(request) : json(discoveryDocument(issuer()));
        }
        return new MockResponse.Builder().code(404).build();
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  private MockResponse serveJwks(RecordedRequest request) {
    String tag = etag;
    MockResponse.Builder response = new MockResponse.Builder();
    jwksHeaders.forEach(response::setHeader);
    if (tag != null) {
      response.setHeader("ETag", tag);
      if (tag.equals(request.getHeaders().get("If-None-Match"))) {
        return response.code(304).build();
      }
    }
    return response.code(200).setHeader("Content-Type", "application/jwk-set+json").body(jwks).build();
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
  }

  String base() {
    return scheme + "://" + server.getSocketAddress().getAddress().getHostAddress() + ":" + server.getPort();
  }

  URI jwksUri() {
    return URI.create(base() + "/jwks");
  }

  /** The issuer, {@code base + path}; discovery is served under that path. */
  String issuer() {
    return base() + issuerPath;
  }

  TestProvider issuerPath(String path) {
    this.issuerPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return this;
  }

  String discoveryDocument(String issuer) {
    return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + jwksUri() + "\","
        + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
  }

  TestProvider jwks(String json) {
    this.jwks = json;
    return this;
  }

  TestProvider jwksHeaders(Map<String, String> headers) {
    this.jwksHeaders = Map.copyOf(headers);
    return this;
  }

  TestProvider etag(String etag) {
    this.etag = etag;
    return this;
  }

  /** Every JWKS request gets this response from now on; null restores normal service. */
  TestProvider failJwks(Function<RecordedRequest, MockResponse> failure) {
    this.jwksFailure = failure;
    return this;
  }

  /** Discovery requests get this response from now on; null restores the default document. */
  TestProvider discovery(Function<RecordedRequest, MockResponse> behaviour) {
    this.discoveryBehaviour = behaviour;
    return this;
  }

  int jwksRequests() {
    return jwksRequests.get();
  }

  int discoveryRequests() {
    return discoveryRequests.get();
  }

  @Override
  public void close() {
    server.close();
  }
}
