package dev.idtoken.validator;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWS signatures (RFC 7518 §3), the algorithm always taken from configuration and already
 * matched to the key by the caller. One instance per configuration of JCA providers: {@link #JDK}
 * uses the JDK's own; {@link #withProvider} routes every algorithm a chosen provider offers to it and
 * leaves the rest on the JDK's. Our own checks (ECDSA signature length and {@code r}, {@code s}
 * range here; RSA key size, exponent and ROCA when the key was made) run before any provider sees
 * the signature, so a provider is only ever asked about well-formed input.
 *
 * <p>Thread-safe: the verifiers live in per-algorithm {@link SignaturePool}s.
 */
final class Signatures {
  /** The JDK's providers for every algorithm. */
  static final Signatures JDK = new Signatures(pools(null, null));

  private final Map<JwsAlgorithm, SignaturePool> pools;

  private Signatures(Map<JwsAlgorithm, SignaturePool> pools) {
    this.pools = pools;
  }

  /**
   * Verifiers from {@code provider} for each of {@code algorithms} it offers (a {@code Signature}
   * service under the JCA name) and passes a known-answer test with; the JDK's for the others.
   *
   * @throws IllegalStateException if the provider offers none of the asymmetric {@code algorithms}
   *     (for Amazon Corretto Crypto Provider, what happens when its native library did not load:
   *     its loading error is the cause), or if one it offers gives a wrong answer in the self-test
   */
  static Signatures withProvider(Provider provider, Set<JwsAlgorithm> algorithms) {
    Map<JwsAlgorithm, SignaturePool> pools = pools(provider, algorithms);
    boolean anyAsymmetric = algorithms.stream().anyMatch(a -> !a.isSymmetric());
    boolean anyProvided = pools.values().stream().anyMatch(p -> p.provider() != null);
    if (anyAsymmetric && !anyProvided) {
      Throwable loadingError = ProviderSelfTest.loadingError(provider);
      throw new IllegalStateException("signatureProvider " + provider.getName()
          + " offers none of the allowed algorithms " + algorithms
          + (loadingError == null ? "" : "; it reports that it failed to load: " + loadingError),
          loadingError);
    }
    for (Map.Entry<JwsAlgorithm, SignaturePool> e : pools.entrySet()) {
      if (e.getValue().provider() != null) {
        String problem = ProviderSelfTest.problem(e.getKey(), e.getValue());
        if (problem != null) {
          throw new IllegalStateException("signatureProvider " + provider.getName() + " failed the "
              + e.getKey().jwsName() + " self-test: " + problem);
        }
      }
    }
    return new Signatures(pools);
  }

  private static Map<JwsAlgorithm, SignaturePool> pools(Provider provider, Set<JwsAlgorithm> only) {
    Map<JwsAlgorithm, SignaturePool> pools = new EnumMap<>(JwsAlgorithm.class);
    for (JwsAlgorithm alg : JwsAlgorithm.values()) {
      if (alg.isSymmetric() || (only != null && !only.contains(alg))) {
        continue; // HMAC: see verifyHmac
      }
      String name = jcaName(alg);
      Provider chosen = provider != null && provider.getService("Signature", name) != null ? provider : null;
      pools.put(alg, new SignaturePool(name, parameters(alg), chosen));
    }
    return pools;
  }

  /** The provider checking {@code alg}, or null for the JDK's; for tests and logs. */
  Provider providerFor(JwsAlgorithm alg) {
    SignaturePool pool = pools.get(alg);
    return pool == null ? null : pool.provider();
  }

  /** The algorithms routed to a chosen provider. */
  Set<JwsAlgorithm> provided() {
    Set<JwsAlgorithm> out = EnumSet.noneOf(JwsAlgorithm.class);
    pools.forEach((alg, pool) -> {
      if (pool.provider() != null) {
        out.add(alg);
      }
    });
    return Collections.unmodifiableSet(out);
  }

  /** Converts {@code key} for every provider it may meet here, so the first token does not pay. */
  void prepare(VerificationKey key) {
    for (SignaturePool pool : pools.values()) {
      if (pool.provider() != null) {
        try {
          key.keyFor(pool.provider());
        } catch (GeneralSecurityException e) {
          // Not this key's type, or refused: verify() will then find the key unusable.
        }
      }
    }
  }

  /**
   * Whether {@code signature} is a valid signature of the signing input {@code input[0, inputEnd)}
   * under {@code key}. The verifier comes from a {@link SignaturePool}; no copy of the input is made.
   */
  boolean verify(JwsAlgorithm alg, VerificationKey key, byte[] input, int inputEnd, byte[] signature) {
    try {
      if (alg.family() == JwsAlgorithm.Family.EC && !ecdsaSignatureInRange(key.curveOrNull(), signature)) {
        return false;
      }
      SignaturePool pool = pools.get(alg);
      if (pool == null) {
        return false;
      }
      PublicKey providerKey = key.keyFor(pool.provider());
      return pool.verify(providerKey, input, inputEnd, signature);
    } catch (GeneralSecurityException | ClassCastException e) {
      return false;
    }
  }

  // JWS ECDSA signatures are R || S, each exactly the curve's coordinate length (RFC 7518 §3.4). Any
  // other length, and r or s outside [1, n-1], is refused here before any provider sees it, which
  // also guards JDKs that predate the CVE-2022-21449 fix ("psychic signatures"). Compared as
  // fixed-length big-endian bytes against the curve's order, so the check allocates nothing.
  static boolean ecdsaSignatureInRange(String crv, byte[] signature) {
    byte[] order = crv == null ? null : Curves.orderBytes(crv);
    if (order == null) {
      return false;
    }
    int half = order.length;
    return signature.length == 2 * half
        && inRange(signature, 0, order) && inRange(signature, half, order);
  }

  // 0 < value < order, for value = signature[from, from + order.length) as an unsigned integer.
  private static boolean inRange(byte[] signature, int from, byte[] order) {
    boolean zero = true;
    int cmp = 0;
    for (int i = 0; i < order.length; i++) {
      int a = signature[from + i] & 0xff;
      zero &= a == 0;
      if (cmp == 0) {
        cmp = Integer.compare(a, order[i] & 0xff);
      }
    }
    return !zero && cmp < 0;
  }

  /**
   * Constant-time HMAC check with the client secret (RFC 7518 §3.2) of the signing input
   * {@code input[0, inputEnd)}.
   */
  static boolean verifyHmac(JwsAlgorithm alg, byte[] secret, byte[] input, int inputEnd, byte[] signature) {
    try {
      Mac mac = Mac.getInstance(hmacName(alg));
      mac.init(new SecretKeySpec(secret, hmacName(alg)));
      mac.update(input, 0, inputEnd);
      return MessageDigest.isEqual(mac.doFinal(), signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String hmacName(JwsAlgorithm alg) {
    return "Hmac" + alg.hashAlgorithm().replace("-", "");
  }

  /** The JCA {@code Signature} name for an asymmetric algorithm. */
  static String jcaName(JwsAlgorithm alg) {
    String hash = alg.hashAlgorithm().replace("-", "");
    switch (alg.family()) {
      case RSA: return hash + "withRSA";
      case RSA_PSS: return "RSASSA-PSS";
      case EC: return hash + "withECDSAinP1363Format";
      case EDDSA: return "Ed25519";
      default: throw new IllegalArgumentException(alg.jwsName());
    }
  }

  private static AlgorithmParameterSpec parameters(JwsAlgorithm alg) {
    if (alg.family() != JwsAlgorithm.Family.RSA_PSS) {
      return null;
    }
    String hash = alg.hashAlgorithm();
    return new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), alg.hashLength(),
        PSSParameterSpec.TRAILER_FIELD_BC);
  }
}
