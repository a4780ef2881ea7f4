package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.security.Provider;
import java.security.PublicKey;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every asymmetric algorithm through Amazon Corretto Crypto Provider, keys converted once. */
class AccpProviderTest {
  private final TestIssuer issuer = Fixtures.issuer();

  /** The README's snippet ("A faster JCA provider"), as it stands there. */
  @Test
  void readmeSnippet_correttoValidator_validatesAnRs256Token() throws Exception {
    Accp.provider(); // skipped off Linux x86-64, failed there if Corretto did not load
    TestIssuer provider = TestIssuer.create("https://login.example.com", "my-client");
    KeySet keys = KeySet.parse(provider.jwksJson());
    IdTokenValidator validator = IdTokenValidator.builder()
        .issuer("https://login.example.com")
        .clientId("my-client")
        .keySource(keys)
        .signatureProvider(AmazonCorrettoCryptoProvider.INSTANCE)
        .build();
    assertSame(AmazonCorrettoCryptoProvider.INSTANCE, validator.signatures().providerFor(JwsAlgorithm.RS256));
    assertValid(validator.validate(provider.token().sign()));
  }

  static Stream<Arguments> asymmetric() {
    return AlgorithmsTest.asymmetric();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("asymmetric")
  void validate_throughCorretto_acceptsValidAndRejectsTampered(JwsAlgorithm alg, TestKey key) throws Exception {
    Provider accp = Accp.provider();
    issuer.useSigningKey(key);
    KeySet keys = KeySet.parse(issuer.jwksJson());
    IdTokenValidator validator = validatorFor(issuer).keySource(keys).allowedAlgorithms(alg)
        .signatureProvider(accp).build();

    assertSame(accp, validator.signatures().providerFor(alg), "Corretto 2.5 offers " + alg);
    String token = issuer.token().algorithm(alg.jwsName()).sign();
    assertValid(validator.validate(token));
    String other = issuer.token().algorithm(alg.jwsName()).subject("someone-else").sign();
    String tampered = token.substring(0, token.indexOf('.') + 1)
        + other.substring(other.indexOf('.') + 1, other.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));
    assertInvalid(validator.validate(tampered), ErrorCode.SIGNATURE_INVALID);

    // build() converted the set's key for the provider; the same object serves every later token.
    VerificationKey loaded = keys.keys().get(0);
    PublicKey converted = loaded.keyFor(accp);
    assertSame(converted, loaded.keyFor(accp));
    if (alg.family() != JwsAlgorithm.Family.EDDSA) { // Corretto 2.5 has no EdDSA key factory
      assertTrue(converted.getClass().getName().startsWith("com.amazon.corretto"), converted.getClass().getName());
    }
  }
}
