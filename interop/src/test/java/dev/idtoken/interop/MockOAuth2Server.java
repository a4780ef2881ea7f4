package dev.idtoken.interop;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * navikt {@code no.nav.security:mock-oauth2-server} (Maven Central) run as its standalone server in
 * a JVM of its own, with the classpath the build resolved for it, on a free port of 127.0.0.1, with
 * its interactive login form. It signs with RS256 only; any client id and secret are accepted.
 */
final class MockOAuth2Server implements RealProvider {
  private static final String ISSUER_ID = "interop";

  private final ProviderProcess process;
  private final String issuer;

  private MockOAuth2Server(ProviderProcess process, String issuer) {
    this.process = process;
    this.issuer = issuer;
  }

  static MockOAuth2Server start(Duration timeout) throws IOException {
    Path classpathFile = Interop.requiredPath("interop.mockOAuth2Server.classpath");
    String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
    int port = Interop.freePort();
    String base = "http://127.0.0.1:" + port;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProviderProcess process = ProviderProcess.start("mock-oauth2-server",
        List.of(java.toString(), "-cp", classpath, "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"),
        Map.of("SERVER_HOSTNAME", "127.0.0.1", "SERVER_PORT", String.valueOf(port),
            "JSON_CONFIG", "{\"interactiveLogin\":true}"),
        Interop.workDir(), URI.create(base + "/" + ISSUER_ID + "/.well-known/openid-configuration"),
        timeout);
    return new MockOAuth2Server(process, base + "/" + ISSUER_ID);
  }

  @Override
  public String name() {
    return "mock-oauth2-server";
  }

  @Override
  public String issuer() {
    return issuer;
  }

  @Override
  public List<Browser.Client> clients() {
    return List.of(new Browser.Client("mock-rs256", "mock-secret", "http://127.0.0.1/callback"));
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("username", "alice");
  }

  @Override
  public void close() {
    process.close();
  }
}
