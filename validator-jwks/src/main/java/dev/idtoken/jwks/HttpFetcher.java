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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    this(client, ownsClient, readTimeout, maxBytes, executor, null);
  }

  /** @param transport carries out the requests instead of the client, or null */
  HttpFetcher(HttpClient client, boolean ownsClient, Duration readTimeout, int maxBytes, Executor executor,
      Transport transport) {
    this.transport = transport;
    this.client = client;
    this.ownsClient = ownsClient;
    this.readTimeout = readTimeout;
    this.maxBytes = maxBytes;
    this.executor = executor;
  }

  /**
   * A client that never follows redirects, with the given connect timeout, and the given TLS context
   * (null for the JDK's default, which trusts the JDK's CA certificates).
   */
  static HttpClient newClient(Duration connectTimeout, SSLContext sslContext) {
    HttpClient.Builder builder = HttpClient.newBuilder()
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
    try {
      exchange = c.sendAsync(request.build(), info -> {
        LimitedBody subscriber = new LimitedBody(maxBytes,
            info.headers().firstValueAsLong("content-length").orElse(-1));
        body.set(subscriber);
        return subscriber;
      });
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
    // (the deadline, or a cancel passed on from the caller's future) aborts the exchange.
    result.orTimeout(readTimeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((response, error) -> {
      if (error != null) {
        LimitedBody subscriber = body.get();
        if (subscriber != null) {
          subscriber.abort();
        }
        exchange.cancel(true);
      }
    });
    return handOff(result);
  }

  /**
   * The deadline fires on the JDK's shared timer thread and responses arrive on the client's threads:
   * moves to the executor before anything chained on the outcome runs.
   */
  private CompletableFuture<Response> handOff(CompletableFuture<Response> result) {
    CompletableFuture<Response> out = new CompletableFuture<>();
    result.whenComplete((response, error) -> {
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
