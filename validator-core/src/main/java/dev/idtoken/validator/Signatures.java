package dev.idtoken.validator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies JWS signatures with the JDK's own primitives (RFC 7518 §3), the algorithm always taken
 * from configuration and already matched to the key by the caller.
 */
final class Signatures {
  private Signatures() {}

  /** Whether {@code signature} is a valid signature of {@code signingInput} under {@code key}. */
  static boolean verify(JwsAlgorithm alg, PublicKey key, byte[] signingInput, byte[] signature) {
    try {
      switch (alg.family()) {
        case RSA: {
          Signature verifier = Signature.getInstance(rsaName(alg));
          verifier.initVerify(key);
          verifier.update(signingInput);
          return verifier.verify(signature);
        }
        case RSA_PSS: {
          Signature verifier = Signature.getInstance("RSASSA-PSS");
          verifier.initVerify(key);
          String hash = alg.hashAlgorithm();
          verifier.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
              alg.hashLength(), PSSParameterSpec.TRAILER_FIELD_BC));
          verifier.update(signingInput);
          return verifier.verify(signature);
        }
        case EC:
          return verifyEcdsa(alg, (ECPublicKey) key, signingInput, signature);
        case EDDSA: {
          Signature verifier = Signature.getInstance("Ed25519");
          verifier.initVerify(key);
          verifier.update(signingInput);
          return verifier.verify(signature);
        }
        default:
          return false;
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      return false;
    }
  }

  // JWS ECDSA signatures are R || S, each exactly the curve's coordinate length (RFC 7518 §3.4). Any
  // other length, and r or s outside [1, n-1], is refused here before the JDK sees it, which also
  // guards JDKs that predate the CVE-2022-21449 fix ("psychic signatures").
  private static boolean verifyEcdsa(JwsAlgorithm alg, ECPublicKey key, byte[] signingInput,
      byte[] signature) throws GeneralSecurityException {
    int half = Curves.coordinateLength(key.getParams());
    if (signature.length != 2 * half) {
      return false;
    }
    BigInteger order = key.getParams().getOrder();
    BigInteger r = new BigInteger(1, signature, 0, half);
    BigInteger s = new BigInteger(1, signature, half, half);
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(order) >= 0 || s.compareTo(order) >= 0) {
      return false;
    }
    Signature verifier = Signature.getInstance(ecdsaName(alg));
    verifier.initVerify(key);
    verifier.update(signingInput);
    return verifier.verify(signature);
  }

  /** Constant-time HMAC check with the client secret (RFC 7518 §3.2). */
  static boolean verifyHmac(JwsAlgorithm alg, byte[] secret, byte[] signingInput, byte[] signature) {
    try {
      Mac mac = Mac.getInstance(hmacName(alg));
      mac.init(new SecretKeySpec(secret, hmacName(alg)));
      return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
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
