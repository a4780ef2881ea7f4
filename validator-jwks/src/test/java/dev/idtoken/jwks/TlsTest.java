package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.validator.MultiIssuerValidator;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/** HTTPS to a provider with a self-signed certificate, trusted through {@code sslContext(...)}. */
class TlsTest extends SourceTestSupport {
  private static final HeldCertificate CERTIFICATE = new HeldCertificate.Builder()
      .addSubjectAlternativeName("127.0.0.1")
      .duration(1, java.util.concurrent.TimeUnit.HOURS)
      .build();

  private static TestProvider httpsProvider() throws Exception {
    HandshakeCertificates server = new HandshakeCertificates.Builder().heldCertificate(CERTIFICATE).build();
    return new TestProvider(server.sslSocketFactory());
  }

  private static SSLContext trustingTheCertificate() {
    return new HandshakeCertificates.Builder()
        .addTrustedCertificate(CERTIFICATE.certificate())
        .build()
        .sslContext();
  }

  /** Like testDefaults, without allowInsecureLoopbackHttp. */
  private RemoteKeySource.Builder httpsDefaults(RemoteKeySource.Builder builder) {
    return builder.ticker(ticker).executor(Runnable::run).listener(listener)
        .readTimeout(Duration.ofSeconds(15)).maxWait(Duration.ofSeconds(15)); // a cold TLS handshake under load
  }

  @Test
  void validate_selfSignedProviderTrustedThroughSslContext_valid() throws Exception {
    TestProvider https = track(httpsProvider());
    TestIssuer issuer = TestIssuer.create(https.issuer(), CLIENT_ID);
    https.jwks(issuer.jwksJson());
    RemoteKeySource source = track(httpsDefaults(RemoteKeySource.builder().jwksUri(https.jwksUri()))
        .sslContext(trustingTheCertificate()).build());
    listener.awaitCompletions(1);

    assertValid(validator(source, https.issuer()).validate(issuer.token().sign()));
    assertEquals(1, https.jwksRequests());
  }

  @Test
  void validate_selfSignedProviderWithDefaultTrust_unavailableWithTlsFailure() throws Exception {
    TestProvider https = track(httpsProvider());
    TestIssuer issuer = TestIssuer.create(https.issuer(), CLIENT_ID);
    https.jwks(issuer.jwksJson());
    RemoteKeySource source = track(httpsDefaults(RemoteKeySource.builder().jwksUri(https.jwksUri())).build());
    listener.awaitCompletions(1);

    assertUnavailable(validator(source, https.issuer()).validate(issuer.token().sign()));
    assertTrue(source.health().lastError().orElseThrow().startsWith("TLS failure"), source.health()::toString);
  }

  @Test
  void validate_registryWithSslContext_discoversAndValidatesOverHttps() throws Exception {
    TestProvider https = track(httpsProvider());
    TestIssuer issuer = TestIssuer.create(https.issuer(), CLIENT_ID);
    https.jwks(issuer.jwksJson());
    IssuerRegistry registry = track(IssuerRegistry.builder()
        .addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK)) // the provider is on 127.0.0.1
        .sslContext(trustingTheCertificate())
        .keySourceDefaults(this::httpsDefaults)
        .loadKeysEagerly()
        .build());
    registry.register(https.issuer(), CLIENT_ID);
    listener.awaitCompletions(1);

    assertValid(MultiIssuerValidator.of(registry).validate(issuer.token().sign()));
    assertEquals(1, https.discoveryRequests());
    assertEquals(1, registry.sharedHttpClients());
  }
}
