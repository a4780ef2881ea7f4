package dev.idtoken.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on 127.0.0.1 and a free port, for tests: started by {@link #start},
 * stopped by {@link #close()}, and able to stop, restart on the same port with its data (AOF, fsync
 * on every write), and freeze (SIGSTOP) to play an outage or a server too slow to answer.
 *
 * <p>The binary is, in order: the file named by the {@code IDTOKEN_REDIS_SERVER} environment
 * variable; on linux-x86_64 the Redis 6.2 build shipped in the {@code embedded-redis} test
 * dependency, extracted under {@code target/}; {@code redis-server} on the {@code PATH}. So
 * {@code ./mvnw verify} finds one on a fresh machine with nothing installed by hand.
 */
public final class RedisServer implements AutoCloseable {
  private static final String BUNDLED = "redis-server-6.2.6-v5-linux-amd64";
  private static final long START_TIMEOUT_SECONDS = 30;

  private final Path binary;
  private final Path dir;
  private final List<String> extraArgs;
  private final int port;
  private Process process;

  private RedisServer(Path binary, Path dir, int port, List<String> extraArgs) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.extraArgs = extraArgs;
  }

  /** Starts a server with these extra {@code redis-server} arguments (for example {@code --requirepass x}). */
  public static RedisServer start(String... extraArgs) {
    return start(List.of(extraArgs), null, null);
  }

  /** Starts a server that speaks only TLS on its port, with this PEM certificate chain and key. */
  public static RedisServer startTls(Path certificatePem, Path privateKeyPem) {
    return start(List.of(), certificatePem, privateKeyPem);
  }

  private static RedisServer start(List<String> extraArgs, Path cert, Path key) {
    Path binary = binary();
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "redis-");
        int port = freePort();
        List<String> args = cert == null ? extraArgs : List.of("--port", "0", "--tls-port",
            Integer.toString(port), "--tls-cert-file", cert.toString(), "--tls-key-file",
            key.toString(), "--tls-auth-clients", "no");
        RedisServer server = new RedisServer(binary, dir, port, args);
        server.launch();
        return server;
      } catch (IOException e) {
        last = e; // most likely the port was taken between probing and binding: try another
      }
    }
    throw new UncheckedIOException("could not start redis-server", last);
  }

  /** The port it listens on, on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Stops the server (SIGTERM, which flushes the AOF), keeping its data directory. */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    resume(); // a frozen process cannot handle SIGTERM
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    process = null;
  }

  /** Starts it again on the same port, with the data it had. */
  public void restart() {
    stop();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException("could not restart redis-server", e);
    }
  }

  /** Freezes the process (SIGSTOP): connections stay open and nothing is answered. */
  public void freeze() {
    signal("-STOP");
  }

  /** Thaws a frozen process (SIGCONT). */
  public void resume() {
    signal("-CONT");
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() throws IOException {
    List<String> command = new ArrayList<>(Arrays.asList(binary.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
        "--daemonize", "no", "--dir", dir.toString(), "--save", "",
        "--appendonly", "yes", "--appendfsync", "always", "--loglevel", "notice"));
    command.addAll(extraArgs);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> readUntilReady(p.getInputStream(), ready, output),
        "redis-server-" + port);
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("redis-server did not start on port " + port + ":\n" + output, e);
    }
    process = p;
    // A test or benchmark that dies before close() must not leave a server running.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "redis-server-" + port + "-reaper"));
  }

  private static void readUntilReady(InputStream in, CompletableFuture<Void> ready, StringBuilder output) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!ready.isDone()) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    ready.completeExceptionally(new IOException("redis-server exited"));
  }

  private void signal(String signal) {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      int exit = new ProcessBuilder("kill", signal, Long.toString(p.pid())).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill " + signal + " failed: " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The redis-server binary to run (see the class comment). */
  static synchronized Path binary() {
    String configured = System.getenv("IDTOKEN_REDIS_SERVER");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
      try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(BUNDLED)) {
        if (in != null) {
          Path target = Path.of("target", "redis-bin", "redis-server").toAbsolutePath();
          if (!Files.isExecutable(target)) {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "redis-server", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (!tmp.toFile().setExecutable(true)) {
              throw new IOException("cannot make " + tmp + " executable");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          }
          return target;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not extract the bundled redis-server", e);
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no redis-server: set IDTOKEN_REDIS_SERVER, or install redis-server");
  }
}
