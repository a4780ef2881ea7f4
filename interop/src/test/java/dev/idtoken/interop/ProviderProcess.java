package dev.idtoken.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real provider running as a child process on 127.0.0.1: started from a command, ready when a URL
 * answers 200, stopped by its PID (with every descendant: {@code kc.sh} starts a JVM of its own).
 * Output goes to a log file under the work directory, whose tail is in the failure message when the
 * provider does not start. Not thread-safe.
 */
final class ProviderProcess implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(250);
  // Every process started and not yet closed, so that a failed start elsewhere stops the rest at once.
  private static final Set<ProviderProcess> RUNNING = ConcurrentHashMap.newKeySet();

  private final String name;
  private final Process process;
  private final Path log;

  private ProviderProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} and waits until {@code readyUrl} answers 200.
   *
   * @throws IllegalStateException naming the provider, with its log's tail, if it exits or is not
   *     ready in time
   */
  static ProviderProcess start(String name, List<String> command, Map<String, String> env,
      Path workDir, URI readyUrl, Duration timeout) {
    Path log = Interop.workDir().resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(name + " could not be started: " + e.getMessage(), e);
    }
    ProviderProcess provider = new ProviderProcess(name, process, log);
    RUNNING.add(provider);
    try {
      provider.awaitReady(readyUrl, timeout);
    } catch (RuntimeException | Error e) {
      provider.close();
      throw e;
    }
    return provider;
  }

  private void awaitReady(URI readyUrl, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with status " + process.exitValue()
            + " before it was ready; log " + log + ":\n" + tail());
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(readyUrl)
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          System.out.printf("%s (pid %d) ready in %d s%n", name, process.pid(),
              Duration.between(start, Instant.now()).toSeconds());
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      try {
        Thread.sleep(POLL.toMillis()); // polling a child process; no clock is under test here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + " at " + readyUrl
        + "; log " + log + ":\n" + tail());
  }

  long pid() {
    return process.pid();
  }

  String name() {
    return name;
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Closes every provider process still running (one still starting then fails its start). */
  static void closeAll() {
    for (ProviderProcess running : List.copyOf(RUNNING)) {
      running.close();
    }
  }

  /** Stops the process and its descendants by PID: politely, then forcibly after 20 seconds. */
  @Override
  public void close() {
    RUNNING.remove(this);
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(0, process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : all) {
      try {
        handle.onExit().get(20, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        handle.destroyForcibly();
      } catch (InterruptedException e) {
        all.forEach(ProcessHandle::destroyForcibly);
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
