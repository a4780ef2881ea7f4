package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.concurrent.atomic.AtomicInteger;

/** Small JCA providers for the provider tests: one that delegates and counts, one that lies. */
final class TestProviders {
  private TestProviders() {}

  /** How many times {@link Counting} verified a signature. */
  static final AtomicInteger VERIFICATIONS = new AtomicInteger();

  /** Offers exactly the given JCA signature names, each as {@code spi}. */
  static Provider offering(String name, Class<? extends SignatureSpi> spi, String... algorithms) {
    return new Offering(name, spi, algorithms);
  }

  private static final class Offering extends Provider {
    private static final long serialVersionUID = 1L;

    Offering(String name, Class<? extends SignatureSpi> spi, String... algorithms) {
      super(name, "1.0", "idtoken test provider");
      for (String algorithm : algorithms) {
        putService(new Provider.Service(this, "Signature", algorithm, spi.getName(), null, null) {
          @Override
          public Object newInstance(Object parameter) {
            return spi == Counting.class ? new Counting(algorithm) : new AlwaysValid();
          }
        });
      }
    }
  }

  /** A provider with no algorithm that reports a loading error, as Corretto does without its library. */
  public static final class Unloaded extends Provider {
    private static final long serialVersionUID = 1L;

    Unloaded() {
      super("Unloaded", "1.0", "idtoken test provider whose native part did not load");
    }

    /** Looked up by name, as on Amazon Corretto Crypto Provider. */
    public Throwable getLoadingError() {
      return new UnsatisfiedLinkError("no native library in java.library.path");
    }
  }

  /** The JDK's verifier for the same name, counting verifications. */
  public static final class Counting extends SignatureSpi {
    private final Signature delegate;

    Counting(String algorithm) {
      try {
        delegate = Signature.getInstance(algorithm);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
      delegate.initVerify(publicKey);
    }

    @Override
    protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
      throw new InvalidKeyException("verify only");
    }

    @Override
    protected void engineUpdate(byte b) throws SignatureException {
      delegate.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
      delegate.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
      throw new SignatureException("verify only");
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
      VERIFICATIONS.incrementAndGet();
      return delegate.verify(sigBytes);
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
      throw new UnsupportedOperationException();
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      throw new UnsupportedOperationException();
    }
  }

  /** Says every signature is valid: the kind of provider the self-test must refuse. */
  public static final class AlwaysValid extends SignatureSpi {
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
    protected byte[] engineSign() throws SignatureException {
      throw new SignatureException("verify only");
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      return true;
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
      throw new UnsupportedOperationException();
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      throw new UnsupportedOperationException();
    }
  }
}
