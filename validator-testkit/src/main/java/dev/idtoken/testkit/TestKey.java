package dev.idtoken.testkit;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A signing key pair with a key id, as a test would publish it in a JWKS.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return a new instance that shares the
 * key material.
 *
 * <p>Defaults: a unique generated {@code kid} (such as {@code "rsa2048-7"}), {@code "use":"sig"},
 * no {@code "alg"} in the JWK. Generating key pairs is slow, so the factories draw the material
 * from a small per-type pool ({@value #POOL_SIZE} pairs): up to {@value #POOL_SIZE} consecutive
 * calls on one thread return distinct material; later calls reuse it under fresh kids. {@link
 * TestIssuer#rotate()} and the attacker keys of {@link Hostile} always use material the issuer
 * does not publish.
 */
public final class TestKey {

  /** Number of pre-generated key pairs kept per key type and size. */
  public static final int POOL_SIZE = 4;

  private static final AtomicLong KID_COUNTER = new AtomicLong();
  private static final Map<Type, Pool> POOLS = new ConcurrentHashMap<>();

  private final Type type;
  private final KeyPair keyPair;
  private final String kid;
  private final String jwkAlgorithm;
  private final String jwkUse;

  private TestKey(Type type, KeyPair keyPair, String kid, String jwkAlgorithm, String jwkUse) {
    this.type = type;
    this.keyPair = keyPair;
    this.kid = kid;
    this.jwkAlgorithm = jwkAlgorithm;
    this.jwkUse = jwkUse;
  }

  /**
   * An RSA key of 2048, 3072 or 4096 bits with a fresh kid.
   *
   * @throws IllegalArgumentException for any other size
   */
  public static TestKey rsa(int bits) {
    Type type;
    switch (bits) {
      case 2048:
        type = Type.RSA_2048;
        break;
      case 3072:
        type = Type.RSA_3072;
        break;
      case 4096:
        type = Type.RSA_4096;
        break;
      default:
        throw new IllegalArgumentException("bits must be 2048, 3072 or 4096: " + bits);
    }
    return create(type);
  }

  /**
   * An EC key on {@code "P-256"}, {@code "P-384"} or {@code "P-521"} with a fresh kid.
   *
   * @throws IllegalArgumentException for any other curve
   */
  public static TestKey ec(String curve) {
    Objects.requireNonNull(curve, "curve");
    switch (curve) {
      case "P-256":
        return create(Type.EC_P256);
      case "P-384":
        return create(Type.EC_P384);
      case "P-521":
        return create(Type.EC_P521);
      default:
        throw new IllegalArgumentException("curve must be P-256, P-384 or P-521: " + curve);
    }
  }

  /** An Ed25519 (OKP) key with a fresh kid. */
  public static TestKey ed25519() {
    return create(Type.ED25519);
  }

  private static TestKey create(Type type) {
    return new TestKey(type, pool(type).next(), newKid(type), null, "sig");
  }

  /** Same type, fresh kid, material unlike any of {@code avoid}'s; keeps JWK alg and use. */
  TestKey sibling(Collection<TestKey> avoid) {
    return new TestKey(type, pool(type).distinctFrom(avoid), newKid(type), jwkAlgorithm, jwkUse);
  }

  /** A fresh-kid P-256 key whose material is unlike any of {@code avoid}'s. */
  static TestKey distinctP256(Collection<TestKey> avoid) {
    return new TestKey(
        Type.EC_P256, pool(Type.EC_P256).distinctFrom(avoid), newKid(Type.EC_P256), null, "sig");
  }

  private static Pool pool(Type type) {
    return POOLS.computeIfAbsent(type, Pool::new);
  }

  private static String newKid(Type type) {
    return type.kidPrefix + "-" + KID_COUNTER.incrementAndGet();
  }

  /** Same key material and JWK settings, another kid; {@code null} leaves kid out of JWK and header. */
  public TestKey withKid(String kid) {
    return new TestKey(type, keyPair, kid, jwkAlgorithm, jwkUse);
  }

  /**
   * Same key, publishing {@code "alg"} in its JWK ({@code null}: none, the default). Any string is
   * accepted, so a test can publish a mismatching one. It does not change {@link
   * #defaultAlgorithm()}: to sign with another algorithm use {@link TokenBuilder#algorithm}.
   */
  public TestKey withJwkAlgorithm(String alg) {
    return new TestKey(type, keyPair, kid, alg, jwkUse);
  }

  /** Same key, publishing {@code "use"} in its JWK ({@code null}: none; default {@code "sig"}). */
  public TestKey withJwkUse(String use) {
    return new TestKey(type, keyPair, kid, jwkAlgorithm, use);
  }

  /** The key id, or {@code null} if the key has none. */
  public String kid() {
    return kid;
  }

  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  /** The JWK {@code "alg"} published, or {@code null} (the default). */
  public String jwkAlgorithm() {
    return jwkAlgorithm;
  }

  /** The JWK {@code "use"} published, or {@code null}; {@code "sig"} by default. */
  public String jwkUse() {
    return jwkUse;
  }

  /**
   * The JWS algorithm tokens signed with this key use by default: {@code RS256} for RSA, {@code
   * ES256}/{@code ES384}/{@code ES512} for P-256/P-384/P-521, {@code EdDSA} for Ed25519.
   */
  public String defaultAlgorithm() {
    return type.defaultAlgorithm;
  }

  /**
   * The public JWK as an unmodifiable, ordered map: {@code kty, n, e} (RSA), {@code kty, crv, x,
   * y} (EC, coordinates at full field length), {@code kty "OKP", crv "Ed25519", x} (the 32-byte
   * RFC 8032 encoding), then {@code kid}, {@code use}, {@code alg} when set.
   */
  public Map<String, Object> publicJwk() {
    Map<String, Object> jwk = new LinkedHashMap<>();
    PublicKey key = keyPair.getPublic();
    switch (type.kty) {
      case "RSA":
        RSAPublicKey rsa = (RSAPublicKey) key;
        jwk.put("kty", "RSA");
        jwk.put("n", Codec.b64url(unsigned(rsa.getModulus())));
        jwk.put("e", Codec.b64url(unsigned(rsa.getPublicExponent())));
        break;
      case "EC":
        ECPublicKey ec = (ECPublicKey) key;
        jwk.put("kty", "EC");
        jwk.put("crv", type.curve);
        jwk.put("x", Codec.b64url(fixedLength(ec.getW().getAffineX(), type.fieldBytes)));
        jwk.put("y", Codec.b64url(fixedLength(ec.getW().getAffineY(), type.fieldBytes)));
        break;
      default:
        byte[] spki = key.getEncoded(); // SubjectPublicKeyInfo: 12-byte prefix + 32-byte key
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", Codec.b64url(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
        break;
    }
    if (kid != null) {
      jwk.put("kid", kid);
    }
    if (jwkUse != null) {
      jwk.put("use", jwkUse);
    }
    if (jwkAlgorithm != null) {
      jwk.put("alg", jwkAlgorithm);
    }
    return Collections.unmodifiableMap(jwk);
  }

  /** {@link #publicJwk()} as compact JSON. */
  public String publicJwkJson() {
    return Codec.json(publicJwk());
  }

  /** Whether both keys have the same key material (kid and JWK settings aside). */
  public boolean sameKeyMaterial(TestKey other) {
    return keyPair.getPublic().equals(other.keyPair.getPublic());
  }

  /** {@code "RSA"}, {@code "EC"} or {@code "OKP"}. */
  String kty() {
    return type.kty;
  }

  /** The EC curve name, {@code "Ed25519"}, or {@code null} for RSA. */
  String curve() {
    return type.curve;
  }

  /** Equal when key material, kid, JWK alg and JWK use are all equal. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TestKey)) {
      return false;
    }
    TestKey other = (TestKey) o;
    return sameKeyMaterial(other)
        && Objects.equals(kid, other.kid)
        && Objects.equals(jwkAlgorithm, other.jwkAlgorithm)
        && Objects.equals(jwkUse, other.jwkUse);
  }

  @Override
  public int hashCode() {
    return Objects.hash(keyPair.getPublic(), kid);
  }

  /** Type and kid only; never key material. */
  @Override
  public String toString() {
    return "TestKey[" + type.kidPrefix + ", kid=" + kid + "]";
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      return Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return bytes;
  }

  private static byte[] fixedLength(BigInteger value, int length) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
    return out;
  }

  private enum Type {
    RSA_2048("RSA", null, "RS256", "rsa2048", 0),
    RSA_3072("RSA", null, "RS256", "rsa3072", 0),
    RSA_4096("RSA", null, "RS256", "rsa4096", 0),
    EC_P256("EC", "P-256", "ES256", "p256", 32),
    EC_P384("EC", "P-384", "ES384", "p384", 48),
    EC_P521("EC", "P-521", "ES512", "p521", 66),
    ED25519("OKP", "Ed25519", "EdDSA", "ed25519", 32);

    final String kty;
    final String curve;
    final String defaultAlgorithm;
    final String kidPrefix;
    final int fieldBytes;

    Type(String kty, String curve, String defaultAlgorithm, String kidPrefix, int fieldBytes) {
      this.kty = kty;
      this.curve = curve;
      this.defaultAlgorithm = defaultAlgorithm;
      this.kidPrefix = kidPrefix;
      this.fieldBytes = fieldBytes;
    }

    KeyPair generate() {
      try {
        KeyPairGenerator generator;
        switch (this) {
          case RSA_2048:
          case RSA_3072:
          case RSA_4096:
            generator = KeyPairGenerator.getInstance("RSA");
            int bits = Integer.parseInt(kidPrefix.substring(3));
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            break;
          case ED25519:
            generator = KeyPairGenerator.getInstance("Ed25519");
            break;
          default:
            generator = KeyPairGenerator.getInstance("EC");
            String name = "secp" + curve.substring(2) + "r1";
            generator.initialize(new ECGenParameterSpec(name));
            break;
        }
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot generate a " + this + " key pair", e);
      }
    }
  }

  /** Lazily filled pool of key pairs of one type; a per-thread cursor walks it round-robin. */
  private static final class Pool {
    private final Type type;
    private final List<KeyPair> pairs = new ArrayList<>();
    private final ThreadLocal<int[]> cursor = ThreadLocal.withInitial(() -> new int[1]);

    Pool(Type type) {
      this.type = type;
    }

    KeyPair next() {
      int[] position = cursor.get();
      int index = position[0];
      position[0] = (index + 1) % POOL_SIZE;
      synchronized (this) {
        while (pairs.size() <= index) {
          pairs.add(type.generate());
        }
        return pairs.get(index);
      }
    }

    KeyPair distinctFrom(Collection<TestKey> avoid) {
      synchronized (this) {
        for (int i = 0; i < POOL_SIZE; i++) {
          if (pairs.size() <= i) {
            pairs.add(type.generate());
          }
          KeyPair candidate = pairs.get(i);
          if (avoid.stream().noneMatch(k -> k.publicKey().equals(candidate.getPublic()))) {
            return candidate;
          }
        }
      }
      return type.generate();
    }
  }
}
