package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reusable JCA verifiers for one signature algorithm, so a token costs neither a provider lookup nor,
 * when the key is the one the verifier last used, an {@code initVerify}.
 *
 * <p>A small array of slots indexed by thread id, not a {@code ThreadLocal}: a request handled on a
 * virtual thread (one per request) would leave a verifier behind in every dead thread's map and
 * never reuse it; slots are shared by whichever threads come, and bounded. A verifier is taken out
 * of its slot for the duration of one verification, so no two threads ever share one, and is put
 * back only after {@code verify} returned normally, which by the JCA contract leaves it as right
 * after {@code initVerify}. One that threw is dropped: some providers throw before resetting their
 * digest (the JDK's RSA on a wrong signature length), and a reused one would then verify the wrong
 * bytes. When the slot is taken the verifier is dropped too; the pool never grows.
 */
final class SignaturePool {
  private static final int SLOTS = slots();

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
  private final AtomicReferenceArray<Verifier> slots = new AtomicReferenceArray<>(SLOTS);

  SignaturePool(String jcaName, AlgorithmParameterSpec parameters) {
    this.jcaName = jcaName;
    this.parameters = parameters;
  }

  private static int slots() {
    int wanted = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  private static int slot() {
    return (int) Thread.currentThread().getId() & (SLOTS - 1);
  }

  /**
   * Verifies {@code signature} over {@code input[0, inputEnd)}.
   *
   * @throws GeneralSecurityException as {@link Signature} does; the verifier is then discarded
   */
  boolean verify(PublicKey key, byte[] input, int inputEnd, byte[] signature)
      throws GeneralSecurityException {
    Verifier v = take();
    init(v, key);
    v.signature.update(input, 0, inputEnd);
    boolean ok = v.signature.verify(signature);
    slots.compareAndSet(slot(), null, v);
    return ok;
  }

  private Verifier take() throws GeneralSecurityException {
    Verifier v = slots.getAndSet(slot(), null);
    return v != null ? v : new Verifier(Signature.getInstance(jcaName));
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
}
