package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reusable JCA verifiers for one signature algorithm and one provider, so a token costs neither a
 * provider lookup nor, when the key is the one the verifier last used, an {@code initVerify}.
 *
 * <p>Verifiers sit in {@link Slots}, taken out for the duration of one verification, and are put back
 * only after {@code verify} returned normally, which by the JCA contract leaves them as right after
 * {@code initVerify}. One that threw is dropped: some providers throw before resetting their digest
 * (the JDK's RSA on a wrong signature length), and a reused one would then verify the wrong bytes.
 */
final class SignaturePool {
  /** One verifier with the key it was last initialised with. */
  static final class Verifier {
    final Signature signature;
    private PublicKey key;

    private Verifier(Signature signature) {
      this.signature = signature;
    }
  }

  private final String jcaName;
  private final AlgorithmParameterSpec parameters; // null unless the algorithm needs them (PSS)
  private final Provider provider; // null: the JDK's choice (Signature.getInstance without provider)
  private final Slots<Verifier> slots = new Slots<>();
  private final AtomicInteger created = new AtomicInteger(); // rare: only when no verifier is free

  SignaturePool(String jcaName, AlgorithmParameterSpec parameters, Provider provider) {
    this.jcaName = jcaName;
    this.parameters = parameters;
    this.provider = provider;
  }

  /** The provider verifiers come from, or null for the JDK's default. */
  Provider provider() {
    return provider;
  }

  String jcaName() {
    return jcaName;
  }

  /**
   * Verifies {@code signature} over {@code input[0, inputEnd)} with {@code key}, which must be a key
   * this pool's provider accepts (see {@link VerificationKey#keyFor}).
   *
   * @throws GeneralSecurityException as {@link Signature} does; the verifier is then discarded
   */
  boolean verify(PublicKey key, byte[] input, int inputEnd, byte[] signature)
      throws GeneralSecurityException {
    int home = Slots.home();
    Verifier v = take(home);
    init(v, key);
    v.signature.update(input, 0, inputEnd);
    boolean ok = v.signature.verify(signature);
    giveBack(home, v);
    return ok;
  }

  private Verifier take(int home) throws GeneralSecurityException {
    Verifier v = slots.take(home);
    if (v != null) {
      return v;
    }
    created.incrementAndGet();
    return new Verifier(newSignature());
  }

  /** How many verifiers this pool has made; for tests. */
  int created() {
    return created.get();
  }

  static int slotCount() {
    return Slots.SIZE;
  }

  private void giveBack(int home, Verifier v) {
    slots.giveBack(home, v);
  }

  /** A fresh, uninitialised verifier from this pool's provider. */
  Signature newSignature() throws GeneralSecurityException {
    return provider == null ? Signature.getInstance(jcaName) : Signature.getInstance(jcaName, provider);
  }

  private void init(Verifier v, PublicKey key) throws GeneralSecurityException {
    if (v.key != key) {
      v.key = null; // a failed initVerify leaves nothing to reuse
      v.signature.initVerify(key);
      if (parameters != null) {
        v.signature.setParameter(parameters);
      }
      v.key = key;
    }
  }

  /** A verifier initialised with {@code key}, outside the pool (for the provider self-test). */
  Signature initialised(PublicKey key) throws GeneralSecurityException {
    Signature s = newSignature();
    s.initVerify(key);
    if (parameters != null) {
      s.setParameter(parameters);
    }
    return s;
  }
}
