package dev.idtoken.validator;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A known-answer test of a chosen JCA provider, run once per algorithm when a validator is built: a
 * fixed signature made by the JDK must verify, and the same signature with one bit flipped must not
 * (a {@code SignatureException} counts as "not"). So a provider that is broken, half-loaded or
 * answers "valid" to everything is refused at start-up instead of deciding requests. The vectors are
 * public keys and signatures only (made once with the JDK's own providers); no private key is here.
 */
final class ProviderSelfTest {
  private static final byte[] MESSAGE = "idtoken signature provider self-test".getBytes(StandardCharsets.US_ASCII);

  private ProviderSelfTest() {}

  /** What is wrong with {@code pool}'s provider for {@code alg}, or null when it answers right. */
  static String problem(JwsAlgorithm alg, SignaturePool pool) {
    try {
      VerificationKey key = Jwks.fromPublicKey(null, jdkKey(alg));
      PublicKey providerKey = key.keyFor(pool.provider());
      byte[] good = Base64.getDecoder().decode(signature(alg));
      if (!verify(pool, providerKey, good)) {
        return "a valid signature did not verify";
      }
      byte[] bad = good.clone();
      bad[bad.length / 2] ^= 0x10;
      if (verify(pool, providerKey, bad)) {
        return "an altered signature verified";
      }
      return null;
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      return e.toString();
    }
  }

  private static boolean verify(SignaturePool pool, PublicKey key, byte[] signature)
      throws GeneralSecurityException {
    Signature s = pool.initialised(key);
    s.update(MESSAGE);
    try {
      return s.verify(signature);
    } catch (SignatureException e) {
      return false;
    }
  }

  /**
   * The error a provider reports about its own loading, for providers that expose one as a public
   * {@code getLoadingError()} method (Amazon Corretto Crypto Provider does: when its native library
   * cannot load it registers no algorithm and keeps the reason there), or null.
   */
  static Throwable loadingError(Provider provider) {
    try {
      Method m = provider.getClass().getMethod("getLoadingError");
      if (Throwable.class.isAssignableFrom(m.getReturnType())) {
        return (Throwable) m.invoke(provider);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No such method, or it cannot be called: the provider has nothing to report.
    }
    return null;
  }

  private static PublicKey jdkKey(JwsAlgorithm alg) throws GeneralSecurityException {
    String encoded;
    String type;
    switch (alg.family()) {
      case RSA:
      case RSA_PSS:
        encoded = RSA_KEY;
        type = "RSA";
        break;
      case EC:
        encoded = alg == JwsAlgorithm.ES256 ? ES256_KEY : alg == JwsAlgorithm.ES384 ? ES384_KEY : ES512_KEY;
        type = "EC";
        break;
      case EDDSA:
        encoded = EDDSA_KEY;
        type = "Ed25519";
        break;
      default:
        throw new IllegalArgumentException(alg.jwsName());
    }
    return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(encoded)));
  }

  private static String signature(JwsAlgorithm alg) {
    switch (alg) {
      case RS256: return RS256;
      case RS384: return RS384;
      case RS512: return RS512;
      case PS256: return PS256;
      case PS384: return PS384;
      case PS512: return PS512;
      case ES256: return ES256;
      case ES384: return ES384;
      case ES512: return ES512;
      case EDDSA: return EDDSA;
      default: throw new IllegalArgumentException(alg.jwsName());
    }
  }

  // Generated once with the JDK 17 providers: X.509 SubjectPublicKeyInfo keys and signatures of
  // MESSAGE (ECDSA in the JWS R || S form), base64.
  private static final String RSA_KEY =
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAoVboAQzWXodo8wLLM5I4bAgTnve/hjyjPNZqcxeTqEfe" +
      "Ae7W5h4m/4KyqRqd8eYpOiZoVqv6moUVPJFzh12eaZbi3GVsmH/NGYKF+8KmAKMx8THnOAIKOGzhU2S07rGpRfR6" +
      "FWsoUSuzSizkT5HJpypUg7PEk49Quwc7eOcLCjSky92GabT+VvvTyg1qctUsxwxSCQvs3+lG4cfkuHA5PxfCW6IL" +
      "z0ZWNl9iYMPJOLFfiUB0CsLa4cHDQRzVjn8g6pK18qJ++YeY/9EnFZr3NmMyouy7F05owUcaCseu2IUTOx77jr18" +
      "KV9fs7wARUKJ6f7Xbor39VvQv7ohrF/YHwIDAQAB";
  private static final String RS256 =
      "OsMHSM8gN/dWtdTBbwda4dlIfzib6uJkGowVtm5PE0DKinKIz3dCITYnnG0URCVm3TCoXk44KV6nMGzPooMzdGEO" +
      "lX5H+1wuQTRZ6El1FEaW/GQ2+QhPxaHY1Fb6LOR1vfuz0B7wzVAVlM3ACybbs0j7dp7R4mGlCt/8Sz4yC9Cwpu3g" +
      "AT5U6FsLnKDqOXVol3OGJzXh8udU1KNBQopq+QT2fv9NO6Nlm0DX9td5YgtjzT4zjgZZdc3a1k8X1DVFaLAURmZZ" +
      "DqlywanWExezxlmhiJ2iOCo+juzqTY9wnx6QFsVsZJK7xZtp+v4gc371a8AzDf2ajCKUacnc6iPlkA==";
  private static final String RS384 =
      "aLb3Paspw5TpKesVsved0/wYEHL+GB22p2rZvkFu9+tT3o3m1AGJIFxkrOG6UJP8cuz+cMKLJqfqXVicBaM0SsYu" +
      "bp4MMH8NrTNopMb7wrhGh8fzJohqQWNqnCr8TJT98xCWy6dRjdeuHqF/PoOU8zvpB26iQVVR9AvcT6XkxzaKSUl+" +
      "1cb3AykLU86SzEw5xKEmBKdfZFsloqei3O6zS6ZoAMUet/BRskUrjD9s2cqdtyh16pzfhnraWnKiwT2vZZazqhFz" +
      "tLjR7D3bGdDLWoWF++ZGXjfCsqn4aBX/OnSlw9U9ndwx519Ajelb9wLY9eqBLkN0MhZHzERlSRidmQ==";
  private static final String RS512 =
      "JOAVSV9EOhHMimOzLfMMqEK3upxnNO9N/f6qEJ2WxH08bVsvrMqO5RAiCj3yRcZxuoxEK0Irj7M8PqUEy9cROZh9" +
      "A4G7lJImA+P221Y/EoSVSI/chOKWpCGPue85Gj4+MtlZmPRzT4XNBuk7VRctvzZrhV6GxIXZnwMFWCdiZ4tRe33+" +
      "JC069qy+JUXN9iRH/cnKI7LykoColQUHsxlyLQvSL81dv906cldW9LvI2nSgZdaX6VjUhMzh23qUCS0BK5XjTi9F" +
      "h8q1mHOEhc9rDNzyFyumQi24fcPjOjdPwNoZ98WLj5HePOC6rPSG+uWEXNWkz9adTxLhsvyaekvjIA==";
  private static final String PS256 =
      "dT87Id0kAUVVMdVjifEgMdx7LwB5jjNdmAT46krrabJjQalqdb6pL3PTpxNPnC74T8LKIr+nh1QAGTPoTgRmqtX9" +
      "iHTHq36ez5XDVrsCXAoxACK3kUBRcoIuWXP692pzQIiy8dqt7zGBn84EqQPNW02YpZV/6J8u8c/jz+sFnT3rbTQR" +
      "syEnD4Tq6bgxLaVMijnHcU+AuqqrcFFwnDdGRHVMvrbZKWd2VkMTBjbIGL6FNZVuemwYTwraCOBs8cRYIffDPj60" +
      "2ecZ60JOgL9vHLNZD6iQZnEyAIo26r3kQl6daD+ao8+nbHpEzYWIlvjvWPWJTUsv0mh/sVu3sSjFvA==";
  private static final String PS384 =
      "QRwoYVV0fciBowZ9EF0EXjSDTAEfODmFbpqJJeCXv7sSyk16ObHFkf3ujG/8xKv85A8UCHXWB5sj/uB3pZVoiTvu" +
      "mgE+5fatwEYgA93Qjn78K3EwdGKFA62MMMSNUa+KFnh78dKH3NNjv+4C/4xCW6rMn/b+tvzumhx5mY4GTVIu7qiV" +
      "dbWDzf851KCYORiuYZnMQlElMF1nOj91OImlwyHJ6WqVgFiAXNdPVhuzvRcmYm8INNdQ09EApO8dmsUyAqlBzmRQ" +
      "FdYmSIPMN5vqsohgr26cS3XrcvBH2UQ4vGOtoFdxwEq9ByaaTJQ5Ezu2r1d06LND8KMYODiCathpBg==";
  private static final String PS512 =
      "RDpOM7+IDniNl38BTL+bxOzKYzmfi6anrTuTScVJ99JEFbsV1TWArRhQUsS9vdNN/0XVF1wu5dh6vRuUuGUpIuO3" +
      "4USFyIH9iXNkkanCOs9S6F387seoj/vx8DndVO835WD5XSILAmZD+ecr+B2ZF6iPrwl65vla43skRRc0oiIdUZU/" +
      "hclbYGWecFuBvgfvPgPHPVDj0T0eJetvYeS3OuJUSYyr6Z3Y2QPZ2qSNw+7tFMiTTRXt/1xt9p/m0Kf0AbJZXN7C" +
      "nahNepJLYJeFG34kTx3A6uUOAvXkUbe+REPq3TC5RljSAnHdJWzhijojamqdltzpRqoMtcoipCSuqg==";
  private static final String ES256_KEY =
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEB0hGQsjdKSjybbu8xw1v1VO9i6iRpXd8kMPRyuQO++uW28V8z6XQ" +
      "KR8bYu6oir6fe/YR2CtE8RqpNF6MZPTKWA==";
  private static final String ES256 =
      "7oaQwI/3oE0tHunWafyuEw8hRrQyfTswV5wfTPyyWIsSaIXtPgyTkzEUkXhn9MipGBr30u4m13wpfnGgQ0Zsbg==";
  private static final String ES384_KEY =
      "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEX4beGAg46BgJi/tqgCn7aNo8hq+Oq0tyZZXYW6R4pSwLQn1iQvcO6PR7" +
      "gYsCqts75TTdK9+0zdfm2mrpPfwBYbp3rG5BH0+tUGzDGvlyvPCYazwB3BzBd4MEoNUkcmKA";
  private static final String ES384 =
      "Ex1GxZf5S+7dO5ka9OQrDwjhhQ3HuqSzHmRVUcQWNmcsKEnPgK8WsIkNN/mrAE0ibZ3kMqoXgxMi5CfQSVb5UCFA" +
      "Zq+oUaCjp2WdC8LywZ1aTF4vafuDkK+CDcOMo6hU";
  private static final String ES512_KEY =
      "MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQBfh4z8aK8584Ys8vFJcb069oUHqYemit/zTnCwGJFj2ZnQNAGNjeH" +
      "d5nKUXlCgHNHn6ya7HhLEkDBayntCRHQdxoBWSStYbnG8p3kvMMM8NQhD/ISKh13A/Qx1J2ik/V6YT0Co2zqNERQ" +
      "bOTfgT5SUfGl6pbwaSUaLEq4o+bryVuP+FY=";
  private static final String ES512 =
      "AMyb99cOBi6AfUCRUcee57iNpShkLmUAA8e7Mz18eAr9dIiM5OZmBKWAPMb3DPT3Pk3R48H+VQ9lkVGBAz7kaZPO" +
      "AMUtv102bikt4QKmoGX4dbXD3pbr5VWV+Bg54ZoFHDUK0LRLBxtXeXoygUZluknuQF0M/kx8Qaqhx9AO3RJaADjN";
  private static final String EDDSA_KEY =
      "MCowBQYDK2VwAyEAx89IxFxX5sHhgJb5vn8Uqknk2TJDu+Hu4oPt00+NYQs=";
  private static final String EDDSA =
      "mqwUBtecYe85NVZx3NNoWEVv621lo3TWRwIM0emCCJntDPPlhdL/WYDskH3QX1IgWQIvdL5lCBKNLxRlusyQDA==";
}
