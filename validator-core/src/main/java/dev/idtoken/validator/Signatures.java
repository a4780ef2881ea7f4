package dev.idtoken.validator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.EnumMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWS signatures with the JDK's own primitives (RFC 7518 §3), the algorithm always taken
 * from configuration and already matched to the key by the caller.
 */
final class Signatures {
  private Signatures() {}

  private static final Map<JwsAlgorithm, SignaturePool> POOLS = pools();

  private static Map<JwsAlgorithm, SignaturePool> pools() {
    Map<JwsAlgorithm, SignaturePool> pools = new EnumMap<>(JwsAlgorithm.class);
    for (JwsAlgorithm alg : JwsAlgorithm.values()) {
      switch (alg.family()) {
        case RSA:
          pools.put(alg, new SignaturePool(rsaName(alg), null));
          break;
        case RSA_PSS: {
          String hash = alg.hashAlgorithm();
          pools.put(alg, new SignaturePool("RSASSA-PSS", new PSSParameterSpec(hash, "MGF1",
              new MGF1ParameterSpec(hash), alg.hashLength(), PSSParameterSpec.TRAILER_FIELD_BC)));
          break;
        }
        case EC:
          pools.put(alg, new SignaturePool(ecdsaName(alg), null));
          break;
        case EDDSA:
          pools.put(alg, new SignaturePool("Ed25519", null));
          break;
        default:
          break; // HMAC: see verifyHmac
      }
    }
    return pools;
  }

  /**
   * Whether {@code signature} is a valid signature of the signing input {@code input[0, inputEnd)}
   * under {@code key}. The verifier comes from a {@link SignaturePool}; no copy of the input is made.
   */
  static boolean verify(JwsAlgorithm alg, PublicKey key, byte[] input, int inputEnd, byte[] signature) {
    try {
      if (alg.family() == JwsAlgorithm.Family.EC && !ecdsaSignatureInRange((ECPublicKey) key, signature)) {
        return false;
      }
      SignaturePool pool = POOLS.get(alg);
      return pool != null && pool.verify(key, input, inputEnd, signature);
    } catch (GeneralSecurityException | ClassCastException e) {
      return false;
    }
  }

  // JWS ECDSA signatures are R || S, each exactly the curve's coordinate length (RFC 7518 §3.4). Any
  // other length, and r or s outside [1, n-1], is refused here before the JDK sees it, which also
  // guards JDKs that predate the CVE-2022-21449 fix ("psychic signatures").
  private static boolean ecdsaSignatureInRange(ECPublicKey key, byte[] signature) {
    int half = Curves.coordinateLength(key.getParams());
    if (signature.length != 2 * half) {
      return false;
    }
    BigInteger order = key.getParams().getOrder();
    BigInteger r = new BigInteger(1, signature, 0, half);
    BigInteger s = new BigInteger(1, signature, half, half);
    return r.signum() != 0 && s.signum() != 0 && r.compareTo(order) < 0 && s.compareTo(order) < 0;
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

  private static String rsaName(JwsAlgorithm alg) {
    return alg.hashAlgorithm().replace("-", "") + "withRSA";
  }

  private static String ecdsaName(JwsAlgorithm alg) {
    return alg.hashAlgorithm().replace("-", "") + "withECDSAinP1363Format";
  }
}
