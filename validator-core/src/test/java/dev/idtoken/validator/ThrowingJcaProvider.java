package dev.idtoken.validator;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.MacSpi;

/**
 * A JCA provider that accepts any key and then throws from {@code Signature.verify} and
 * {@code Mac.doFinal}, as a broken hardware module or a buggy third-party provider would. Public,
 * with public nested classes, because the JCA instantiates them by reflection.
 */
public final class ThrowingJcaProvider extends Provider {
  private static final long serialVersionUID = 1L;
  static final String NAME = "IdtokenThrowingTestProvider";

  public ThrowingJcaProvider() {
    super(NAME, "1.0", "throws ProviderException from Signature.verify and Mac.doFinal (tests only)");
    put("Signature.SHA256withRSA", ThrowingSignature.class.getName());
    put("Mac.HmacSHA256", ThrowingMac.class.getName());
  }

  /** Initialises for any key, then throws at verify. */
  @SuppressWarnings("deprecation") // the JCA still declares the old parameter methods abstract
  public static final class ThrowingSignature extends SignatureSpi {
    public ThrowingSignature() {}

    @Override
    protected void engineInitVerify(PublicKey publicKey) {}

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      throw new InvalidKeyException("verify only");
    }

    @Override
    protected void engineUpdate(byte b) {}

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {}

    @Override
    protected byte[] engineSign() {
      throw new ProviderException("verify only");
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      throw new ProviderException("the signing device went away");
    }

    @Override
    protected void engineSetParameter(String param, Object value) {}

    @Override
    protected Object engineGetParameter(String param) {
      return null;
    }
  }

  /** Initialises for any key, then throws at doFinal. */
  public static final class ThrowingMac extends MacSpi {
    public ThrowingMac() {}

    @Override
    protected int engineGetMacLength() {
      return 32;
    }

    @Override
    protected void engineInit(Key key, AlgorithmParameterSpec params) {}

    @Override
    protected void engineUpdate(byte input) {}

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {}

    @Override
    protected byte[] engineDoFinal() {
      throw new ProviderException("the MAC device went away");
    }

    @Override
    protected void engineReset() {}
  }
}
