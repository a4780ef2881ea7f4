package dev.idtoken.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.ErrorCode;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.ValidationResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to a real server: its certificate (for IP 127.0.0.1, made by the JDK's keytool) is verified. */
class RedisTlsTest {
  private static final char[] STORE_PASSWORD = "changeit".toCharArray();

  @TempDir
  Path dir;

  private final TestIssuer issuer = TestIssuer.create("https://login.example.com", "client-app");

  @Test
  void tryRecord_overTls_trustedCertificate_recordsAndDetectsReplay() throws Exception {
    KeyStore serverKeys = selfSignedFor127();
    Path cert = writePem(dir.resolve("cert.pem"), "CERTIFICATE",
        serverKeys.getCertificate("redis").getEncoded());
    Path key = writePem(dir.resolve("key.pem"), "PRIVATE KEY",
        serverKeys.getKey("redis", STORE_PASSWORD).getEncoded());

    try (RedisServer server = RedisServer.startTls(cert, key);
        RedisReplayGuard trusting = RedisReplayGuard.builder().port(server.port())
            .tls(trusting(serverKeys.getCertificate("redis")))
            // The first TLS handshake of a cold JVM on a loaded CI machine can take seconds.
            .connectTimeout(Duration.ofSeconds(20)).build();
        RedisReplayGuard defaultTrust = RedisReplayGuard.builder().port(server.port()).tls()
            .connectTimeout(Duration.ofSeconds(20)).build();
        RedisReplayGuard plain = RedisReplayGuard.builder().port(server.port())
            .connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofMillis(300)).build()) {
      IdTokenValidator validator = IdTokenValidator.builder().issuer(issuer.issuer())
          .clientId(issuer.clientId()).keySource(KeySet.parse(issuer.jwksJson())).build();
      String token = issuer.token().sign();

      // A self-signed certificate is not in the JDK's trust store; plain text finds no Redis there.
      assertUnavailable(validator.validate(token, login(defaultTrust)));
      assertUnavailable(validator.validate(token, login(plain)));
      assertInstanceOf(ValidationResult.Valid.class, validator.validate(token, login(trusting)));
      assertEquals(ErrorCode.TOKEN_REPLAYED,
          ((ValidationResult.Invalid) validator.validate(token, login(trusting))).code());
    }
  }

  private static Expectations login(RedisReplayGuard guard) {
    return Expectations.builder().oneTimeUse(guard).build();
  }

  private static void assertUnavailable(ValidationResult result) {
    assertEquals(ErrorCode.REPLAY_CHECK_UNAVAILABLE,
        assertInstanceOf(ValidationResult.Unavailable.class, result, () -> "got " + result).error().code());
  }

  private KeyStore selfSignedFor127() throws Exception {
    Path store = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "redis",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", new String(STORE_PASSWORD)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, STORE_PASSWORD);
    }
    return ks;
  }

  private static TrustManagerFactory trusting(Certificate certificate) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("redis", certificate);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    return tmf;
  }

  private static Path writePem(Path file, String type, byte[] der) throws Exception {
    String pem = "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
    return Files.writeString(file, pem);
  }
}
