package dev.idtoken.interop;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keycloak ({@code org.keycloak:keycloak-quarkus-dist}, unpacked by the build) in {@code start-dev}
 * mode with an in-memory database, on two free ports of 127.0.0.1, run by a Java 21+ JDK. A realm
 * {@code interop} (src/test/resources/keycloak/realm.json) is created through the admin API with a
 * user and three clients signing ID tokens with RS256, ES256 and EdDSA; the EC and Ed25519 keys are
 * added as key providers.
 */
final class KeycloakProvider implements RealProvider {
  private static final String ADMIN = "admin";
  private static final String ADMIN_PASSWORD = Browser.random();
  private static final String REALM = "interop";

  private final ProviderProcess process;
  private final String base;
  private final Browser admin = new Browser();
  private int rotations;

  private KeycloakProvider(ProviderProcess process, String base) {
    this.process = process;
    this.base = base;
  }

  static KeycloakProvider start(Duration timeout) throws IOException {
    Path home = Interop.requiredPath("interop.keycloak.home");
    Path javaHome = Interop.java21Home();
    int port = Interop.freePort();
    int managementPort = Interop.freePort();
    String base = "http://127.0.0.1:" + port;
    ProviderProcess process = ProviderProcess.start("keycloak",
        List.of("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
            "--http-host=127.0.0.1", "--http-port=" + port,
            "--http-management-port=" + managementPort, "--db=dev-mem"),
        Map.of("JAVA_HOME", javaHome.toString(),
            // Quarkus' thread-local reset needs this on Java 24 and later (harmless on 21).
            "JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN,
            "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD),
        home, URI.create(base + "/realms/master/.well-known/openid-configuration"), timeout);
    KeycloakProvider keycloak = new KeycloakProvider(process, base);
    try {
      keycloak.createRealm();
    } catch (IOException | RuntimeException e) {
      keycloak.close();
      throw e;
    }
    return keycloak;
  }

  private void createRealm() throws IOException {
    String realm;
    try (InputStream in = KeycloakProvider.class.getResourceAsStream("/keycloak/realm.json")) {
      realm = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    adminPost("/admin/realms", realm);
    addKeyProvider("ecdsa-generated", "ecdsaEllipticCurveKey", "P-256", 100);
    addKeyProvider("eddsa-generated", "eddsaEllipticCurveKey", "Ed25519", 100);
  }

  /**
   * Rotates the realm's RS256 signing key: a new generated RSA key with a higher priority signs
   * from now on; the old one stays published (Keycloak's documented rotation).
   */
  void rotateRsaKey() throws IOException {
    rotations++;
    addKeyProvider("rsa-generated", null, null, 100 + 100 * rotations);
  }

  private void addKeyProvider(String providerId, String option, String value, int priority)
      throws IOException {
    Map<String, Object> config = option == null
        ? Map.of("priority", List.of(String.valueOf(priority)))
        : Map.of("priority", List.of(String.valueOf(priority)), option, List.of(value));
    adminPost("/admin/realms/" + REALM + "/components", Browser.JSON.writeValueAsString(Map.of(
        "name", providerId + "-" + priority,
        "providerId", providerId,
        "providerType", "org.keycloak.keys.KeyProvider",
        "parentId", REALM,
        "config", config)));
  }

  private void adminPost(String path, String json) throws IOException {
    HttpResponse<String> response = admin.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + adminToken())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
    if (response.statusCode() != 201) {
      throw new IOException("Keycloak admin POST " + path + " answered " + response.statusCode()
          + ": " + response.body());
    }
  }

  // Master-realm admin tokens live a minute: one per call.
  private String adminToken() throws IOException {
    HttpResponse<String> response = admin.send(HttpRequest.newBuilder(
            URI.create(base + "/realms/master/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(Browser.form(Map.of("grant_type", "password",
            "client_id", "admin-cli", "username", ADMIN, "password", ADMIN_PASSWORD)))));
    JsonNode json = Browser.JSON.readTree(response.body());
    if (response.statusCode() != 200 || !json.hasNonNull("access_token")) {
      throw new IOException("Keycloak admin login answered " + response.statusCode());
    }
    return json.get("access_token").asText();
  }

  @Override
  public String name() {
    return "Keycloak";
  }

  @Override
  public String issuer() {
    return base + "/realms/" + REALM;
  }

  @Override
  public List<Browser.Client> clients() {
    return List.of(client("kc-rs256"), client("kc-es256"), client("kc-eddsa"));
  }

  private static Browser.Client client(String id) {
    return new Browser.Client(id, id + "-secret", "http://127.0.0.1/callback");
  }

  @Override
  public Map<String, String> credentials() {
    return Map.of("username", "alice", "password", "alice-password");
  }

  @Override
  public void close() {
    process.close();
  }
}
