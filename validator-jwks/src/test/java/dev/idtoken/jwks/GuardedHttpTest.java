package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The address-checked HTTP/1.1 client against a real server on loopback, and its response reader. */
class GuardedHttpTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final MockWebServer server = new MockWebServer();
  private final GuardedHttp http =
      new GuardedHttp(HostResolver.SYSTEM, AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK), 2, Timers.system());

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
  }

  @AfterEach
  void stop() {
    http.close();
    server.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  private HttpFetcher.Response get(String path, String ifNoneMatch) throws Exception {
    return http.get(uri(path), "application/json", ifNoneMatch, TIMEOUT, TIMEOUT, 1000)
        .get(10, TimeUnit.SECONDS);
  }

  private Throwable failure(String path, String ifNoneMatch) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(path, ifNoneMatch));
    return e.getCause();
  }

  @Test
  void get_ok_sendsTheRequestAndReadsTheResponse() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).addHeader("ETag", "\"v1\"")
        .addHeader("Cache-Control", "max-age=60").body("{\"keys\":[]}").build());
    HttpFetcher.Response response = get("/jwks?x=1", "\"v0\"");
    assertEquals(200, response.status());
    assertEquals("{\"keys\":[]}", new String(response.body(), StandardCharsets.UTF_8));
    assertEquals("\"v1\"", response.headers().firstValue("etag").orElseThrow());
    RecordedRequest request = server.takeRequest();
    assertEquals("/jwks?x=1", request.getTarget());
    assertEquals("\"v0\"", request.getHeaders().get("If-None-Match"));
    assertEquals(Version.USER_AGENT, request.getHeaders().get("User-Agent"));
    assertEquals("127.0.0.1:" + server.getPort(), request.getHeaders().get("Host"));
  }

  @Test
  void get_redirect_returnedNotFollowed() throws Exception {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", uri("/elsewhere").toString()).build());
    assertEquals(302, get("/jwks", null).status());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void get_chunkedBody_reassembled() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody("{\"keys\":[1,2,3]}", 3).build());
    assertEquals("{\"keys\":[1,2,3]}", new String(get("/jwks", null).body(), StandardCharsets.UTF_8));
  }

  @Test
  void get_bodyOverTheCap_fails() {
    server.enqueue(new MockResponse.Builder().code(200).body("x".repeat(1001)).build());
    assertInstanceOf(FetchException.class, failure("/jwks", null));
  }

  @Test
  void get_lineBreakInEntityTag_refusedWithoutSending() {
    assertInstanceOf(FetchException.class, failure("/jwks", "\"v1\"\r\nX-Injected: 1"));
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void get_privateAddressLiteral_refusedWithoutConnecting() {
    GuardedHttp strict = new GuardedHttp(HostResolver.SYSTEM, AddressPolicy.PUBLIC_ONLY, 2, Timers.system());
    try {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> strict.get(uri("/jwks"), "application/json", null, TIMEOUT, TIMEOUT, 1000).get(10, TimeUnit.SECONDS));
      assertInstanceOf(FetchException.class, e.getCause());
      assertEquals(0, server.getRequestCount());
    } finally {
      strict.close();
    }
  }

  @Test
  void get_allThreadsBusy_refusedAtOnceAndDeadlinesOnTheGivenTimers() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ManualTimers timers = new ManualTimers(ticker);
    GuardedHttp bounded = new GuardedHttp(HostResolver.SYSTEM,
        AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK), 2, timers);
    // Connections complete in the backlog, but nothing is ever accepted or answered.
    try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      URI uri = URI.create("http://127.0.0.1:" + stalled.getLocalPort() + "/jwks");
      List<CompletableFuture<HttpFetcher.Response>> running = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        running.add(bounded.get(uri, "application/json", null, TIMEOUT, Duration.ofMinutes(1), 1000));
      }
      for (int i = 0; i < 4; i++) { // both threads are blocked: no queue behind them
        CompletableFuture<HttpFetcher.Response> refused =
            bounded.get(uri, "application/json", null, TIMEOUT, Duration.ofMinutes(1), 1000);
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertInstanceOf(FetchException.class, e.getCause());
      }
      assertEquals(2, timers.pending(), "one deadline per exchange in progress, none for the refused");
      assertTrue(running.stream().noneMatch(CompletableFuture::isDone));

      ticker.advance(TIMEOUT.plus(Duration.ofMinutes(1)));

      for (CompletableFuture<HttpFetcher.Response> exchange : running) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> exchange.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
      }
      assertEquals(0, timers.pending());
      assertEquals(2, bounded.peakThreads());
    } finally {
      bounded.close();
    }
  }

  @Test
  void get_answered_leavesNoTimerBehind() throws Exception {
    ManualTimers timers = new ManualTimers(new ManualTicker());
    GuardedHttp counted = new GuardedHttp(HostResolver.SYSTEM,
        AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK), 2, timers);
    try {
      server.enqueue(new MockResponse.Builder().code(200).body("{}").build());
      assertEquals(200, counted.get(uri("/jwks"), "application/json", null, TIMEOUT, TIMEOUT, 1000)
          .get(10, TimeUnit.SECONDS).status());
      assertEquals(0, timers.pending());
    } finally {
      counted.close();
    }
  }

  private static HttpFetcher.Response read(String raw, int max) throws Exception {
    return GuardedHttp.read(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), max);
  }

  @Test
  void read_interimThenFinalWithBareLineFeeds_readsTheFinal() throws Exception {
    HttpFetcher.Response r = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok", 10);
    assertEquals(200, r.status());
    assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), r.body());
  }

  @Test
  void read_untilClose_readsEverythingWithinTheCap() throws Exception {
    assertEquals(5, read("HTTP/1.0 200 OK\r\n\r\nhello", 5).body().length);
    assertThrows(FetchException.class, () -> read("HTTP/1.0 200 OK\r\n\r\nhello!", 5));
  }

  @Test
  void read_notModified_hasNoBody() throws Exception {
    assertEquals(0, read("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 10).body().length);
  }

  @Test
  void read_malformedFraming_refused() {
    String[] malformed = {
        "", "HTTP/1.1 200\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 099 X\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffff\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n",
        "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n",
    };
    for (String raw : malformed) {
      assertThrows(FetchException.class, () -> read(raw, 10), raw.length() > 80 ? raw.substring(0, 80) : raw);
    }
  }

  @Test
  void read_chunkedOverTheCap_refused() {
    assertThrows(FetchException.class,
        () -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n", 10));
  }
}
