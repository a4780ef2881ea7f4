package dev.idtoken.interop;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * panva {@code oidc-provider} (npm, installed by the build with {@code npm ci}) run by Node from
 * {@code interop/oidc-provider/provider.mjs} on a free port of 127.0.0.1, with clients signing ID
 * tokens with RS256, ES256 and EdDSA and its development login and consent forms.
 */
final class OidcProviderNode implements RealProvider {
  private final ProviderProcess process;
  private final String issuer;

  private OidcProviderNode(ProviderProcess process, String issuer) {
    this.process = process;
    this.issuer = issuer;
  }

  static OidcProviderNode start(Duration timeout) {
    Path dir = Interop.requiredPath("interop.oidcProvider.dir");
    if (!Files.isDirectory(dir.resolve("node_modules/oidc-provider"))) {
      throw new IllegalStateException("oidc-provider is not installed in " + dir
          + ": the build's npm ci step did not run");
    }
    int port = Interop.freePort();
    String issuer = "http://127.0.0.1:" + port;
    ProviderProcess process = ProviderProcess.start("oidc-provider",
        List.of("node", "provider.mjs", String.valueOf(port)), Map.of(), dir,
        URI.create(issuer + "/.well-known/openid-configuration"), timeout);
    return new OidcProviderNode(process, issuer);
  }

  @Override
  public String name() {
    return "oidc-provider";
  }

  @Override
  public String issuer() {
    return issuer;
  }

  @Override
  public List<Browser.Client> clients() {
    return List.of(client("op-rs256"), client("op-es256"), client("op-eddsa"));
  }

  private static Browser.Client client(String id) {
    return new Browser.Client(id, id + "-secret", "http://127.0.0.1/callback");
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("login", "alice", "password", "any");
  }

  @Override
  public void close() {
    process.close();
  }
}
