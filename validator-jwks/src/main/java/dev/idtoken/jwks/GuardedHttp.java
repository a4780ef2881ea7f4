package dev.idtoken.jwks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP GET for issuers registered at run time, safe against server-side request forgery: the host is
 * resolved once, every address it resolves to must pass the {@link AddressPolicy}, and the connection
 * goes to one of exactly those addresses (checked again once connected), so a name that resolves
 * differently a moment later (DNS rebinding) cannot move the connection. TLS still verifies the
 * certificate against the host name (SNI and RFC 2818 endpoint identification). The JDK
 * {@code HttpClient} cannot be told which address to connect to, hence this small HTTP/1.1 client:
 * one request per connection, no redirects, a deadline on the whole exchange, the body capped as it
 * streams in.
 *
 * <p>Thread-safe; one per {@link IssuerRegistry}. Each exchange blocks a daemon thread of its own,
 * at most {@code maxThreads} of them, none kept while idle for a minute; an exchange that finds them
 * all busy fails at once (its source retries with backoff) rather than waiting behind them. Deadlines
 * are cancellable tasks on the given {@link Timers}, removed as each exchange ends. {@link #close()}
 * stops the threads.
 */
final class GuardedHttp implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final String HINT = " (IssuerRegistry.Builder.dangerouslyAllowPrivateAddresses() allows it)";

  private final HostResolver resolver;
  private final AddressPolicy policy;
  private final SSLSocketFactory tls;
  private final ThreadPoolExecutor io;
  private final Timers timers;

  /**
   * Room, beyond the fetches a scheduler lets run at once, for threads still blocked in a name
   * lookup after their exchange's deadline: a lookup cannot be interrupted, and one whose name
   * servers never answer holds its thread for the resolver's own timeout. Without this room, a
   * registrant's few such names would hold every thread and fail every other tenant's fetch.
   */
  static final int STUCK_LOOKUP_ROOM = 48;

  /**
   * @param maxThreads most exchanges in progress at once, including any whose thread is still held
   *     by a name lookup past its deadline
   * @param timers where each exchange's deadline is scheduled
   */
  GuardedHttp(HostResolver resolver, AddressPolicy policy, int maxThreads, Timers timers) {
    this.resolver = resolver;
    this.policy = policy;
    this.tls = defaultTls();
    this.timers = timers;
    AtomicInteger count = new AtomicInteger();
    // A hand-off, not a queue: a thread per exchange while fewer than maxThreads are busy, else a
    // refusal. A queue would keep exchanges waiting behind stuck lookups until their deadlines.
    this.io = new ThreadPoolExecutor(0, maxThreads, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), task -> {
      Thread thread = new Thread(task, "idtoken-guarded-fetch-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  private static SSLSocketFactory defaultTls() {
    try {
      return SSLContext.getDefault().getSocketFactory();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /**
   * The transport {@link HttpFetcher} uses for one key source, with that source's connect timeout
   * and TLS context (null: the JDK's default).
   */
  HttpFetcher.Transport transport(Duration connectTimeout, SSLContext sslContext) {
    SSLSocketFactory factory = sslContext == null ? tls : sslContext.getSocketFactory();
    return (uri, accept, ifNoneMatch, readTimeout, maxBytes) ->
        get(uri, accept, ifNoneMatch, connectTimeout, readTimeout, maxBytes, factory);
  }

  /**
   * Starts a GET. The future fails with a {@link FetchException} carrying a loggable reason; it is
   * completed on an I/O thread (or the timer's thread for the deadline). Cancelling it, like the
   * deadline, closes the connection.
   */
  CompletableFuture<HttpFetcher.Response> get(URI uri, String accept, String ifNoneMatch,
      Duration connectTimeout, Duration readTimeout, int maxBytes) {
    return get(uri, accept, ifNoneMatch, connectTimeout, readTimeout, maxBytes, tls);
  }

  private CompletableFuture<HttpFetcher.Response> get(URI uri, String accept, String ifNoneMatch,
      Duration connectTimeout, Duration readTimeout, int maxBytes, SSLSocketFactory factory) {
    CompletableFuture<HttpFetcher.Response> result = new CompletableFuture<>();
    AtomicReference<Socket> socket = new AtomicReference<>();
    try {
      io.execute(() -> {
        if (result.isDone()) {
          return; // cancelled (its source removed) before a thread took it: nothing to resolve
        }
        try {
          result.complete(exchange(uri, accept, ifNoneMatch, connectTimeout, readTimeout, maxBytes, factory,
              socket, result));
        } catch (Throwable e) {
          result.completeExceptionally(failure(e));
        } finally {
          closeQuietly(socket.get());
        }
      });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new FetchException(io.isShutdown() ? "closed"
          : "too many exchanges in progress (" + io.getMaximumPoolSize() + " threads busy)"));
    }
    // One deadline over waiting for a thread, resolving, connecting, TLS, headers and body: a slow
    // drip cannot hold it open. Registered before the callback that cancels it, so an exchange that
    // has already ended cancels it at once.
    Timers.Timer deadline = timers.schedule(() -> result.completeExceptionally(new TimeoutException()),
        connectTimeout.plus(readTimeout).toNanos());
    result.whenComplete((response, error) -> {
      deadline.cancel();
      if (error != null) {
        closeQuietly(socket.get()); // ends a blocking read or connect at once
      }
    });
    return result;
  }

  private HttpFetcher.Response exchange(URI uri, String accept, String ifNoneMatch, Duration connectTimeout,
      Duration readTimeout, int maxBytes, SSLSocketFactory factory, AtomicReference<Socket> socket, CompletableFuture<?> result)
      throws IOException, FetchException {
    String host = uri.getHost();
    String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;

    List<InetAddress> addresses = resolver.resolve(name);
    if (addresses == null || addresses.isEmpty()) {
      throw new FetchException("unknown host");
    }
    // Every address is checked before any is tried: a name must not mix public and private answers.
    for (InetAddress address : addresses) {
      check(address);
    }
    Socket s = connect(addresses, port, connectTimeout, socket, result);
    // The address actually connected: one of those checked, and checked again where it is used.
    check(s.getInetAddress());
    s.setSoTimeout(Math.toIntExact(Math.max(1, readTimeout.toMillis())));
    if (https) {
      SSLSocket ssl = (SSLSocket) factory.createSocket(s, name, port, true);
      SSLParameters parameters = ssl.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
      if (!isLiteral(name)) {
        parameters.setServerNames(List.of(new SNIHostName(name)));
      }
      ssl.setSSLParameters(parameters);
      socket.set(ssl);
      ssl.startHandshake();
      s = ssl;
    }
    OutputStream out = s.getOutputStream();
    out.write(request(uri, host, port, https, accept, ifNoneMatch));
    out.flush();
    return read(new BufferedInputStream(s.getInputStream()), maxBytes);
  }

  private void check(InetAddress address) throws FetchException {
    AddressPolicy.Category refused = policy.refusal(address);
    if (refused != null) {
      throw new FetchException("refused: the host resolves to a " + refused.description + " address" + HINT);
    }
  }

  private static Socket connect(List<InetAddress> addresses, int port, Duration connectTimeout,
      AtomicReference<Socket> socket, CompletableFuture<?> result) throws IOException, FetchException {
    IOException last = null;
    for (InetAddress address : addresses) {
      Socket s = new Socket();
      socket.set(s);
      if (result.isDone()) { // the deadline or a cancel came first
        s.close();
        throw new FetchException("cancelled");
      }
      try {
        s.connect(new InetSocketAddress(address, port), Math.toIntExact(Math.max(1, connectTimeout.toMillis())));
        return s;
      } catch (IOException e) {
        s.close();
        last = e;
      }
    }
    throw last;
  }

  private static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  private static byte[] request(URI uri, String host, int port, boolean https, String accept, String ifNoneMatch)
      throws FetchException {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    checkHeaderValue(path);
    checkHeaderValue(accept);
    if (ifNoneMatch != null) {
      checkHeaderValue(ifNoneMatch);
    }
    boolean defaultPort = port == (https ? 443 : 80);
    StringBuilder r = new StringBuilder(256)
        .append("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(defaultPort ? "" : ":" + port).append("\r\n")
        .append("Accept: ").append(accept).append("\r\n")
        .append("User-Agent: ").append(Version.USER_AGENT).append("\r\n")
        .append("Accept-Encoding: identity\r\n")
        .append("Connection: close\r\n");
    if (ifNoneMatch != null) {
      r.append("If-None-Match: ").append(ifNoneMatch).append("\r\n");
    }
    return r.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The values are ours, the checked URI's, or an entity tag the provider sent: a control character
   * in one (a CR or LF, say) must not split the request.
   */
  private static void checkHeaderValue(String value) throws FetchException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
        throw new FetchException("refused: a control character in a request header");
      }
    }
  }

  /** Reads one response: status line, headers, and a body framed by length, chunks or the close. */
  static HttpFetcher.Response read(InputStream in, int maxBytes) throws IOException, FetchException {
    int[] budget = {MAX_HEADER_BYTES};
    int status;
    Map<String, List<String>> headers;
    do { // 1xx interim responses carry no body; the final one follows
      status = status(line(in, budget));
      headers = headers(in, budget);
    } while (status >= 100 && status < 200);
    HttpHeaders httpHeaders = HttpHeaders.of(headers, (n, v) -> true);
    if (status == 204 || status == 304) {
      return new HttpFetcher.Response(status, httpHeaders, new byte[0]);
    }
    List<String> encodings = headers.getOrDefault("transfer-encoding", List.of());
    List<String> lengths = headers.getOrDefault("content-length", List.of());
    byte[] body;
    if (!encodings.isEmpty()) {
      if (!lengths.isEmpty()) {
        throw new FetchException("response has both Content-Length and Transfer-Encoding");
      }
      if (encodings.size() != 1 || !encodings.get(0).trim().equalsIgnoreCase("chunked")) {
        throw new FetchException("unsupported transfer encoding");
      }
      body = chunked(in, maxBytes, budget);
    } else if (!lengths.isEmpty()) {
      body = fixed(in, contentLength(lengths), maxBytes);
    } else {
      body = untilClose(in, maxBytes);
    }
    return new HttpFetcher.Response(status, httpHeaders, body);
  }

  private static int status(String line) throws FetchException {
    // HTTP/1.1 200 OK (RFC 9112 §4); the reason phrase may be empty.
    if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
        || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new FetchException("malformed HTTP status line");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new FetchException("malformed HTTP status line");
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100) {
      throw new FetchException("malformed HTTP status line");
    }
    return status;
  }

  private static Map<String, List<String>> headers(InputStream in, int[] budget) throws IOException, FetchException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(in, budget); !line.isEmpty(); line = line(in, budget)) {
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
        throw new FetchException("malformed HTTP header"); // includes obsolete line folding
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    return headers;
  }

  private static long contentLength(List<String> values) throws FetchException {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        String digits = part.trim();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
          throw new FetchException("malformed Content-Length");
        }
        long n = Long.parseLong(digits);
        if (length != -1 && n != length) {
          throw new FetchException("conflicting Content-Length values");
        }
        length = n;
      }
    }
    return length;
  }

  private static byte[] fixed(InputStream in, long length, int maxBytes) throws IOException, FetchException {
    if (length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length != length) {
      throw new FetchException("I/O error (response body cut short)");
    }
    return body;
  }

  private static byte[] untilClose(InputStream in, int maxBytes) throws IOException, FetchException {
    byte[] body = in.readNBytes(maxBytes + 1);
    if (body.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    return body;
  }

  private static byte[] chunked(InputStream in, int maxBytes, int[] budget) throws IOException, FetchException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = line(in, budget);
      int end = line.indexOf(';'); // chunk extensions are ignored
      String hex = (end < 0 ? line : line.substring(0, end)).trim();
      if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new FetchException("malformed chunked body");
      }
      long size = Long.parseLong(hex, 16);
      if (size == 0) {
        headers(in, budget); // trailers, read and dropped
        return body.toByteArray();
      }
      if (body.size() + size > maxBytes) {
        throw tooLarge(maxBytes);
      }
      byte[] chunk = in.readNBytes((int) size);
      if (chunk.length != size || !line(in, budget).isEmpty()) {
        throw new FetchException("malformed chunked body");
      }
      body.write(chunk, 0, chunk.length);
    }
  }

  /** One line without its CRLF (a bare LF is accepted), counted against the header budget. */
  private static String line(InputStream in, int[] budget) throws IOException, FetchException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c == -1) {
        throw new FetchException("I/O error (connection closed mid-response)");
      }
      if (--budget[0] < 0) {
        throw new FetchException("response headers too large");
      }
      if (c == '\n') {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
          line.setLength(n - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
  }

  private static FetchException tooLarge(int maxBytes) {
    return new FetchException("response larger than " + maxBytes + " bytes");
  }

  private static FetchException failure(Throwable e) {
    if (e instanceof FetchException) {
      return (FetchException) e;
    }
    if (e instanceof SocketTimeoutException) {
      return new FetchException(e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("connect")
          ? "connect timed out" : "timed out", e);
    }
    if (e instanceof UnknownHostException) {
      return new FetchException("unknown host", e);
    }
    if (e instanceof ConnectException) {
      return new FetchException("connection refused", e);
    }
    if (e instanceof SSLException) {
      return new FetchException("TLS failure (" + e.getClass().getSimpleName() + ")", e);
    }
    return HttpFetcher.failure(e);
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing is best effort; the exchange has ended either way.
      }
    }
  }

  /** The most I/O threads that were alive at once; for tests. */
  int peakThreads() {
    return io.getLargestPoolSize();
  }

  /**
   * Stops the I/O threads, which closes nothing by itself: exchanges in flight end at their
   * deadline, and those still in line fail as the deadline comes.
   */
  @Override
  public void close() {
    io.shutdownNow();
  }
}
