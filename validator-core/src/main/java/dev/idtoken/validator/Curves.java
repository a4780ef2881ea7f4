package dev.idtoken.validator;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.EllipticCurve;

/** The three NIST curves JWS uses (RFC 7518 §3.4), by JWK name. */
final class Curves {
  static final ECParameterSpec P256 = spec("secp256r1");
  static final ECParameterSpec P384 = spec("secp384r1");
  static final ECParameterSpec P521 = spec("secp521r1");

  // Each curve's order n, big-endian, as long as a signature's r or s (RFC 7518 §3.4).
  private static final byte[] P256_ORDER = fixedLength(P256.getOrder(), coordinateLength(P256));
  private static final byte[] P384_ORDER = fixedLength(P384.getOrder(), coordinateLength(P384));
  private static final byte[] P521_ORDER = fixedLength(P521.getOrder(), coordinateLength(P521));

  private Curves() {}

  private static byte[] fixedLength(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(bytes.length, length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return out;
  }

  /** The order of the curve with this JWK name, big-endian in coordinate length, or null. */
  static byte[] orderBytes(String crv) {
    switch (crv) {
      case "P-256": return P256_ORDER;
      case "P-384": return P384_ORDER;
      case "P-521": return P521_ORDER;
      default: return null;
    }
  }

  private static ECParameterSpec spec(String stdName) {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec(stdName));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + stdName, e);
    }
  }

  static String forAlgorithm(JwsAlgorithm alg) {
    switch (alg) {
      case ES256: return "P-256";
      case ES384: return "P-384";
      case ES512: return "P-521";
      default: throw new IllegalArgumentException(alg.jwsName());
    }
  }

  /** The spec for a JWK {@code crv}, or null if unsupported. */
  static ECParameterSpec byName(String crv) {
    switch (crv) {
      case "P-256": return P256;
      case "P-384": return P384;
      case "P-521": return P521;
      default: return null;
    }
  }

  /** The JWK name of the curve {@code params} describes, or null if it is none of ours. */
  static String nameOf(ECParameterSpec params) {
    for (String name : new String[] {"P-256", "P-384", "P-521"}) {
      ECParameterSpec known = byName(name);
      if (sameCurve(known, params)) {
        return name;
      }
    }
    return null;
  }

  private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve())
        && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder())
        && a.getCofactor() == b.getCofactor();
  }

  /** Coordinate length in bytes: the field size rounded up (RFC 7518 §6.2.1.2). */
  static int coordinateLength(ECParameterSpec params) {
    return (params.getCurve().getField().getFieldSize() + 7) / 8;
  }

  /** Whether the point satisfies y² = x³ + ax + b (mod p) with both coordinates in [0, p). */
  static boolean isOnCurve(ECPoint point, ECParameterSpec params) {
    if (ECPoint.POINT_INFINITY.equals(point)) {
      return false;
    }
    EllipticCurve curve = params.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    BigInteger x = point.getAffineX();
    BigInteger y = point.getAffineY();
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(p);
    BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    return left.equals(right);
  }
}
