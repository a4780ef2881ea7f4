package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.validator.MultiIssuerValidator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issuers registered at run time cannot make the server fetch from its own network. The fake
 * provider listens on 127.0.0.1; a resolver hook makes host names answer what a hostile registrant's
 * DNS would. Every refusal is checked to have happened before any connection: the provider saw no
 * request.
 */
class RegistryAddressPolicyTest extends SourceTestSupport {

  private IssuerRegistry.Builder registry() {
    return IssuerRegistry.builder().keySourceDefaults(keys -> testDefaults(keys)).loadKeysEagerly();
  }

  private static HostResolver answering(String... addresses) {
    return host -> {
      InetAddress[] answer = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        answer[i] = InetAddress.getByName(addresses[i]);
      }
      return List.of(answer);
    };
  }

  /** The fake provider under a host name, so that the resolver hook decides where it is. */
  private String namedIssuer() {
    String named = "http://localhost:" + provider.discoveryUri().getPort();
    provider.discoveryIssuer(named);
    return named;
  }

  @Test
  void register_loopbackIssuerByDefault_refusedBeforeConnecting() throws Exception {
    IssuerRegistry registry = track(registry().build());
    registry.register(provider.issuerUrl(), CLIENT_ID);
    listener.awaitCompletions(1);

    assertUnavailable(MultiIssuerValidator.of(registry).validate(token()));
    assertEquals(KeySourceHealth.Status.UNAVAILABLE, registry.health(provider.issuerUrl()).orElseThrow().status());
    assertEquals(0, provider.discoveryRequests());
  }

  @Test
  void register_nameResolvingToCloudMetadata_refusedBeforeConnecting() throws Exception {
    String issuer = namedIssuer();
    IssuerRegistry registry = track(registry().resolver(answering("169.254.169.254")).build());
    registry.register(issuer, CLIENT_ID);
    listener.awaitCompletions(1);

    assertUnavailable(MultiIssuerValidator.of(registry).validate(issuer().token().issuer(issuer).sign()));
    assertEquals(0, provider.discoveryRequests());
  }

  @Test
  void register_nameWithOnePrivateAmongItsAddresses_refusedBeforeConnecting() throws Exception {
    // Loopback is allowed here and answered first: a client that checked only the address it tried
    // would connect and the provider would count a request.
    String issuer = namedIssuer();
    IssuerRegistry registry = track(registry()
        .addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .resolver(answering("127.0.0.1", "10.1.2.3")).build());
    registry.register(issuer, CLIENT_ID);
    listener.awaitCompletions(1);

    assertUnavailable(MultiIssuerValidator.of(registry).validate(issuer().token().issuer(issuer).sign()));
    assertEquals(0, provider.discoveryRequests());
  }

  @Test
  void fetch_nameRebindsAfterCheck_connectionGoesToTheCheckedAddressOnly() throws Exception {
    String issuer = namedIssuer();
    AtomicInteger lookups = new AtomicInteger();
    AtomicReference<String> answer = new AtomicReference<>("127.0.0.1");
    HostResolver rebinding = host -> {
      lookups.incrementAndGet();
      return List.of(InetAddress.getByName(answer.get()));
    };
    IssuerRegistry registry = track(registry()
        .addressPolicy(AddressPolicy.allowing(AddressPolicy.Category.LOOPBACK))
        .resolver(rebinding).build());
    registry.register(issuer, CLIENT_ID);
    listener.awaitCompletions(1); // discovery, then the JWKS
    MultiIssuerValidator validator = MultiIssuerValidator.of(registry);
    assertValid(validator.validate(issuer().token().issuer(issuer).sign()));
    // One lookup per connection: the address checked is the address connected, never looked up again.
    assertEquals(provider.discoveryRequests() + provider.jwksRequests(), lookups.get());

    answer.set("10.0.0.7"); // the registrant's DNS now points inside the network
    int jwksBefore = provider.jwksRequests();
    ticker.advance(RemoteKeySource.DEFAULT_UNKNOWN_KID_COOLDOWN);
    validator.validate(issuer().token().issuer(issuer).kid("rotated-kid").sign()); // forces a refresh
    listener.awaitCompletions(2);
    assertEquals(jwksBefore, provider.jwksRequests());
    assertTrue(registry.health(issuer).orElseThrow().lastError().isPresent());
  }

  @Test
  void register_loopbackIssuerWithDangerousOptOut_validates() throws Exception {
    // The JDK client, as before this policy existed; its first exchange in a cold JVM can be slow.
    IssuerRegistry registry = track(registry().dangerouslyAllowPrivateAddresses()
        .keySourceDefaults(keys -> testDefaults(keys).readTimeout(java.time.Duration.ofSeconds(15))).build());
    registry.register(provider.issuerUrl(), CLIENT_ID);
    listener.awaitCompletions(1);
    assertValid(MultiIssuerValidator.of(registry).validate(token()));
  }

  @Test
  void register_unknownHost_unavailableNotThrown() throws Exception {
    String issuer = namedIssuer();
    IssuerRegistry registry = track(registry().resolver(host -> {
      throw new UnknownHostException(host);
    }).build());
    registry.register(issuer, CLIENT_ID);
    listener.awaitCompletions(1);
    assertUnavailable(MultiIssuerValidator.of(registry).validate(issuer().token().issuer(issuer).sign()));
  }
}
