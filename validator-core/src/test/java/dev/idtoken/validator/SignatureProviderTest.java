package dev.idtoken.validator;

import static dev.idtoken.validator.Fixtures.assertInvalid;
import static dev.idtoken.validator.Fixtures.assertValid;
import static dev.idtoken.validator.Fixtures.validatorFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import java.security.Provider;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The signatureProvider option with small providers whose behaviour the test controls. */
class SignatureProviderTest {
  private final TestIssuer issuer = Fixtures.issuer();

  @Test
  void build_providerOfferingAnAllowedAlgorithm_routesItThereAndTheRestToTheJdk() {
    Provider rsaOnly = TestProviders.offering("RsaOnly", TestProviders.Counting.class, "SHA256withRSA");
    issuer.useSigningKey(TestKey.rsa(2048));
    IdTokenValidator validator = validatorFor(issuer)
        .allowedAlgorithms(JwsAlgorithm.RS256, JwsAlgorithm.ES256)
        .signatureProvider(rsaOnly)
        .build();

    assertSame(rsaOnly, validator.signatures().providerFor(JwsAlgorithm.RS256));
    assertNull(validator.signatures().providerFor(JwsAlgorithm.ES256)); // not offered: the JDK's
    int before = TestProviders.VERIFICATIONS.get();
    assertValid(validator.validate(issuer.token().sign()));
    assertEquals(before + 1, TestProviders.VERIFICATIONS.get());

    issuer.useSigningKey(TestKey.ec("P-256"));
    assertValid(validator.validate(issuer.token().algorithm("ES256").sign()));
    assertEquals(before + 1, TestProviders.VERIFICATIONS.get());
  }

  @Test
  void build_providerOfferingNoAllowedAlgorithm_throwsIllegalState() {
    Provider ecOnly = TestProviders.offering("EcOnly", TestProviders.Counting.class,
        "SHA256withECDSAinP1363Format");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> validatorFor(issuer).signatureProvider(ecOnly).build());
    assertTrue(e.getMessage().contains("signatureProvider EcOnly"), e.getMessage());
  }

  @Test
  void build_providerThatFailedToLoad_throwsWithItsLoadingErrorAsCause() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> validatorFor(issuer).signatureProvider(new TestProviders.Unloaded()).build());
    assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
    assertTrue(e.getMessage().contains("failed to load"), e.getMessage());
  }

  @Test
  void build_providerThatAcceptsAnySignature_failsTheSelfTest() {
    Provider liar = TestProviders.offering("Liar", TestProviders.AlwaysValid.class, "SHA256withRSA");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> validatorFor(issuer).signatureProvider(liar).build());
    assertTrue(e.getMessage().contains("RS256 self-test"), e.getMessage());
  }

  @Test
  void build_nullProvider_throwsNullPointer() {
    assertThrows(NullPointerException.class, () -> IdTokenValidator.builder().signatureProvider(null));
  }

  @Test
  void validate_ecdsaSignatureOutOfRange_refusedBeforeTheProviderSeesIt() {
    Provider ec = TestProviders.offering("Ec", TestProviders.Counting.class, "SHA256withECDSAinP1363Format");
    issuer.useSigningKey(TestKey.ec("P-256"));
    IdTokenValidator validator = validatorFor(issuer).allowedAlgorithms(JwsAlgorithm.ES256)
        .signatureProvider(ec).build();
    String token = issuer.token().algorithm("ES256").sign();
    int dot = token.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    byte[] order = Curves.orderBytes("P-256");
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    byte[] sEqualsN = signature.clone();
    System.arraycopy(order, 0, sEqualsN, 32, 32);
    byte[] rZero = signature.clone();
    Arrays.fill(rZero, 0, 32, (byte) 0);
    byte[] tooLong = Arrays.copyOf(signature, 65);

    int before = TestProviders.VERIFICATIONS.get();
    for (byte[] bad : new byte[][] {sEqualsN, rZero, tooLong}) {
      assertInvalid(validator.validate(token.substring(0, dot + 1) + enc.encodeToString(bad)),
          ErrorCode.SIGNATURE_INVALID);
    }
    assertEquals(before, TestProviders.VERIFICATIONS.get());
    assertValid(validator.validate(token));
    assertEquals(before + 1, TestProviders.VERIFICATIONS.get());
  }

  @Test
  void ecdsaSignatureInRange_boundaries() {
    byte[] n = Curves.orderBytes("P-256");
    byte[] nMinusOne = n.clone();
    nMinusOne[31]--; // n is odd, so no borrow
    byte[] one = new byte[32];
    one[31] = 1;
    assertTrue(Signatures.ecdsaSignatureInRange("P-256", concat(one, nMinusOne)));
    assertTrue(Signatures.ecdsaSignatureInRange("P-256", concat(nMinusOne, one)));
    assertEquals(false, Signatures.ecdsaSignatureInRange("P-256", concat(n, one)));
    assertEquals(false, Signatures.ecdsaSignatureInRange("P-256", concat(one, new byte[32])));
    assertEquals(false, Signatures.ecdsaSignatureInRange("P-384", concat(one, one)));
    assertEquals(false, Signatures.ecdsaSignatureInRange(null, concat(one, one)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
