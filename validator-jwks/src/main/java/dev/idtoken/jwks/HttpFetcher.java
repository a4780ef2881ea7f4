package dev.idtoken.jwks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Asynchronous HTTP GET with the hygiene a key fetch needs: no redirects (set on the client), a
 * deadline on the whole exchange (headers and body, so a slow drip cannot hold a fetch open), a cap
 * on the body enforced while it streams in, and a User-Agent naming the library. Never blocks the
 * calling thread. Outcomes are handed to the given executor, so that what the caller chains on them
 * never runs on the HTTP client's threads or on the JDK's shared timer thread.
 */
final class HttpFetcher {
  // HttpClient.shutdownNow() exists from JDK 21; before, a client stops once it is unreachable.
  private static final Method SHUTDOWN_NOW = shutdownNowMethod();

  private volatile HttpClient client; // null once closed
  private final boolean ownsClient;
  private final Duration readTimeout;
  private final int maxBytes;
  private final Executor executor;
  private final Timers timers;
  private final Transport transport; // null: the JDK client

  /**
   * Another way to carry out a GET (for issuers registered at run time, {@link GuardedHttp}); the
   * future fails with a {@link FetchException} and need not complete on the executor.
   */
  @FunctionalInterface
  interface Transport {
    CompletableFuture<Response> get(URI uri, String accept, String ifNoneMatch, Duration readTimeout, int maxBytes);
  }

  /**
   * @param ownsClient whether {@link #close()} may shut the client down (false for a client shared
   *     with other fetchers)
   */
  HttpFetcher(HttpClient client, boolean ownsClient, Duration readTimeout, int maxBytes, Executor executor) {
    this(client, ownsClient, readTimeout, maxBytes, executor, null, Timers.system());
  }

  /**
   * @param transport carries out the requests instead of the client, or null
   * @param timers real-time timers for each exchange's deadline, cancelled as the exchange ends
   */
  HttpFetcher(HttpClient client, boolean ownsClient, Duration readTimeout, int maxBytes, Executor executor,
      Transport transport, Timers timers) {
    this.transport = transport;
    this.timers = timers;
    this.client = client;
    this.ownsClient = ownsClient;
    this.readTimeout = readTimeout;
    this.maxBytes = maxBytes;
    this.executor = executor;
  }

  /**
   * A client that never follows redirects, with the given connect timeout, and the given TLS context
   * (null for the JDK's default, which trusts the JDK's CA certificates). Its work runs on
   * {@link #CLIENT_EXECUTOR}, not on the unbounded pool the JDK would give it.
   */
  static HttpClient newClient(Duration connectTimeout, SSLContext sslContext) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .executor(CLIENT_EXECUTOR)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout);
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    return builder.build();
  }

  /** A response whose body has been read in full (and within the cap). */
  record Response(int status, HttpHeaders headers, byte[] body) {}

  /**
   * Starts a GET. The future fails with a {@link FetchException} carrying a loggable reason. It is
   * completed on the executor (or, if the executor refuses the task, on the thread that has the
   * outcome). Cancelling it aborts the exchange.
   *
   * @param ifNoneMatch an entity tag for a conditional request, or null
   */
  CompletableFuture<Response> get(URI uri, String accept, String ifNoneMatch) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .GET()
        .timeout(readTimeout)
        .header("Accept", accept)
        .header("User-Agent", Version.USER_AGENT);
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    HttpClient c = client;
    if (c == null) {
      return CompletableFuture.failedFuture(new FetchException("closed"));
    }
    if (transport != null) {
      return handOff(transport.get(uri, accept, ifNoneMatch, readTimeout, maxBytes));
    }
    AtomicReference<LimitedBody> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> exchange;
    HttpResponse.BodyHandler<byte[]> handler = info -> {
      LimitedBody subscriber = new LimitedBody(maxBytes,
          info.headers().firstValueAsLong("content-length").orElse(-1));
      body.set(subscriber);
      return subscriber;
    };
    try {
      exchange = ASYNC_STARTS_A_THREAD ? onExchangeThread(c, request.build(), handler)
          : c.sendAsync(request.build(), handler);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new FetchException("request refused: " + e.getClass().getSimpleName()));
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    exchange.whenComplete((response, error) -> {
      if (error != null) {
        result.completeExceptionally(failure(error));
      } else {
        result.complete(new Response(response.statusCode(), response.headers(), response.body()));
      }
    });
    // HttpRequest.timeout covers the headers only; this deadline also covers the body. Any failure
    // (the deadline, or a cancel passed on from the caller's future) aborts the exchange. The deadline
    // is a task on the shared timer thread, removed as soon as the exchange ends (the JDK's orTimeout
    // leaves it queued until its time).
    Timers.Timer deadline = timers.schedule(() -> result.completeExceptionally(new TimeoutException()),
        readTimeout.toNanos());
    return handOff(result, error -> {
      deadline.cancel(); // before the caller hears, so that nothing is left scheduled by then
      if (error != null) {
        LimitedBody subscriber = body.get();
        if (subscriber != null) {
          subscriber.abort();
        }
        exchange.cancel(true);
      }
    });
  }

  private CompletableFuture<Response> handOff(CompletableFuture<Response> result) {
    return handOff(result, error -> {});
  }

  /**
   * The deadline fires on the shared timer thread and responses arrive on the client's threads:
   * runs {@code onEnd} with the failure (or null), then moves to the executor before anything
   * chained on the outcome runs.
   */
  private CompletableFuture<Response> handOff(CompletableFuture<Response> result,
      java.util.function.Consumer<Throwable> onEnd) {
    CompletableFuture<Response> out = new CompletableFuture<>();
    result.whenComplete((response, error) -> {
      onEnd.accept(error);
      Runnable complete = () -> {
        if (error != null) {
          out.completeExceptionally(failure(error));
        } else {
          out.complete(response);
        }
      };
      try {
        executor.execute(complete);
      } catch (Throwable e) {
        complete.run(); // a refusing executor must not leave the outcome undelivered
      }
    });
    out.whenComplete((response, error) -> {
      if (error instanceof CancellationException) {
        result.cancel(false);
      }
    });
    return out;
  }

  /**
   * Refuses further requests and drops the reference to the client; shuts down a client of its own
   * where the JDK can (21 and later). Requests in flight are cancelled by their callers.
   */
  void close() {
    HttpClient c = client;
    client = null;
    if (ownsClient && c != null) {
      shutdownNow(c);
    }
  }

  /** Shuts the client down at once where the JDK can (21 and later); otherwise does nothing. */
  static void shutdownNow(HttpClient client) {
    if (SHUTDOWN_NOW == null) {
      return;
    }
    try {
      SHUTDOWN_NOW.invoke(client);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Best effort: once unreachable, the client stops anyway.
    }
  }

  /**
   * The work of every HTTP client this library creates: at most {@link #CLIENT_THREADS} daemon
   * threads in the JVM, however many sources and clients there are, and none while idle for a
   * minute. Each client has in addition its own selector thread, which is why an
   * {@link IssuerRegistry} shares its clients. Most of the work only hands responses on, but the JDK
   * also starts exchanges there, which resolves the host name: a blocking lookup that a name server
   * that never answers holds for the resolver's timeout. So there are as many as fetches a default
   * scheduler runs at once, and one such host cannot hold them all.
   */
  static final int CLIENT_THREADS = FetchScheduler.DEFAULT_MAX_CONCURRENT_FETCHES;

  static final ThreadPoolExecutor CLIENT_EXECUTOR = pool(CLIENT_THREADS, "idtoken-jwks-http-");

  /** At most {@code threads} daemon threads, none while idle for a minute; an unbounded queue. */
  private static ThreadPoolExecutor pool(int threads, String name) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, name + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Whether {@link HttpClient#sendAsync} starts a thread per exchange: it hands every outcome to
   * {@code CompletableFuture}'s default executor, which, when the common pool has a single thread
   * (two cores or fewer), starts a new thread per task. On such machines exchanges run as
   * {@link HttpClient#send} on {@link #EXCHANGE_THREADS} threads at most instead.
   */
  static final boolean ASYNC_STARTS_A_THREAD = ForkJoinPool.getCommonPoolParallelism() <= 1;

  /** Most exchanges in progress at once on a machine where {@link #ASYNC_STARTS_A_THREAD}. */
  static final int EXCHANGE_THREADS = FetchScheduler.DEFAULT_MAX_CONCURRENT_FETCHES;

  private static final ThreadPoolExecutor EXCHANGES = pool(EXCHANGE_THREADS, "idtoken-jwks-exchange-");

  /**
   * Runs the exchange as a blocking send on a bounded pool; cancelling the future interrupts the
   * send, which aborts the exchange, or drops it if it has not started.
   */
  private static CompletableFuture<HttpResponse<byte[]>> onExchangeThread(HttpClient client, HttpRequest request,
      HttpResponse.BodyHandler<byte[]> handler) {
    CompletableFuture<HttpResponse<byte[]>> exchange = new CompletableFuture<>();
    Future<?> task = EXCHANGES.submit(() -> {
      if (exchange.isDone()) {
        return;
      }
      try {
        exchange.complete(client.send(request, handler));
      } catch (InterruptedException e) {
        exchange.completeExceptionally(new CancellationException("interrupted"));
      } catch (IOException | RuntimeException e) {
        exchange.completeExceptionally(e);
      }
    });
    exchange.whenComplete((response, error) -> {
      if (error != null) {
        task.cancel(true);
      }
    });
    return exchange;
  }

  private static Method shutdownNowMethod() {
    try {
      return HttpClient.class.getMethod("shutdownNow");
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** Maps any failure to a {@link FetchException} with a short, safe reason. */
  static FetchException failure(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FetchException) {
        return (FetchException) c;
      }
    }
    String reason;
    if (t instanceof HttpConnectTimeoutException) {
      reason = "connect timed out";
    } else if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      reason = "timed out";
    } else if (t instanceof ConnectException) {
      reason = "connection refused";
    } else if (t instanceof SSLException) {
      reason = "TLS failure (" + t.getClass().getSimpleName() + ")";
    } else if (t instanceof CancellationException) {
      reason = "cancelled";
    } else if (t instanceof IOException) {
      reason = "I/O error (" + t.getClass().getSimpleName() + ")";
    } else {
      reason = "unexpected error (" + t.getClass().getSimpleName() + ")";
    }
    return new FetchException(reason, t);
  }

  /**
   * Collects the body up to a cap, cancelling the exchange as soon as the cap is passed (or at once,
   * when Content-Length already says it will be).
   */
  static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int maxBytes;
    private final long declaredLength;
    private volatile Flow.Subscription subscription;

    LimitedBody(int maxBytes, long declaredLength) {
      this.maxBytes = maxBytes;
      this.declaredLength = declaredLength;
    }

    @Override
    public java.util.concurrent.CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declaredLength > maxBytes) {
        s.cancel();
        result.completeExceptionally(tooLarge());
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (bytes.size() + (long) item.remaining() > maxBytes) {
          subscription.cancel();
          result.completeExceptionally(tooLarge());
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    void abort() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.completeExceptionally(new FetchException("timed out"));
    }

    private FetchException tooLarge() {
      return new FetchException("response larger than " + maxBytes + " bytes");
    }
  }
}
