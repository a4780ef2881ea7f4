package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reusable JCA verifiers for one signature algorithm and one provider, so a token costs neither a
 * provider lookup nor, when the key is the one the verifier last used, an {@code initVerify}.
 *
 * <p>A small array of slots, not a {@code ThreadLocal}: a request handled on a virtual thread (one
 * per request) would leave a verifier behind in every dead thread's map and never reuse it; slots
 * are shared by whichever threads come, and bounded. A thread starts at the slot its id hashes to
 * and, when that one is empty or taken, probes the others, so two request threads whose ids collide
 * do not each build a verifier per token (before probing, two of the two benchmark threads could share
 * a slot and one would allocate a verifier on every call). A verifier is taken out of its slot for
 * the duration of one verification, so no two threads ever share one, and is put back only after
 * {@code verify} returned normally, which by the JCA contract leaves it as right after
 * {@code initVerify}. One that threw is dropped: some providers throw before resetting their digest
 * (the JDK's RSA on a wrong signature length), and a reused one would then verify the wrong bytes.
 * When every slot is full the verifier is dropped too; the pool never grows.
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
  private final Provider provider; // null: the JDK's choice (Signature.getInstance without provider)
  private final AtomicReferenceArray<Verifier> slots = new AtomicReferenceArray<>(SLOTS);
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

  private static int slots() {
    int wanted = Math.min(64, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    return Integer.highestOneBit(wanted - 1) << 1;
  }

  /** The slot a thread starts probing at; shared with {@link TokenBytes}. */
  static int home() {
    long id = Thread.currentThread().getId();
    // Thread ids are sequential; spread them so neighbours do not land on neighbouring slots.
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 58) & (SLOTS - 1);
  }

  /**
   * Verifies {@code signature} over {@code input[0, inputEnd)} with {@code key}, which must be a key
   * this pool's provider accepts (see {@link VerificationKey#keyFor}).
   *
   * @throws GeneralSecurityException as {@link Signature} does; the verifier is then discarded
   */
  boolean verify(PublicKey key, byte[] input, int inputEnd, byte[] signature)
      throws GeneralSecurityException {
    int home = home();
    Verifier v = take(home);
    init(v, key);
    v.signature.update(input, 0, inputEnd);
    boolean ok = v.signature.verify(signature);
    giveBack(home, v);
    return ok;
  }

  private Verifier take(int home) throws GeneralSecurityException {
    for (int i = 0; i < SLOTS; i++) {
      int slot = (home + i) & (SLOTS - 1);
      if (slots.get(slot) != null) {
        Verifier v = slots.getAndSet(slot, null);
        if (v != null) {
          return v;
        }
      }
    }
    created.incrementAndGet();
    return new Verifier(newSignature());
  }

  /** How many verifiers this pool has made; for tests. */
  int created() {
    return created.get();
  }

  static int slotCount() {
    return SLOTS;
  }

  private void giveBack(int home, Verifier v) {
    for (int i = 0; i < SLOTS; i++) {
      int slot = (home + i) & (SLOTS - 1);
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, v)) {
        return;
      }
    }
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
