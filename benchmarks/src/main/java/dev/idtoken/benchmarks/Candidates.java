package dev.idtoken.benchmarks;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import com.auth0.jwt.interfaces.RSAKeyProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySet;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;

/** The candidates, by name; each checked for honesty before it is timed. */
final class Candidates {
  /** Every candidate, the limit first. */
  static final List<String> ALL = List.of("raw", "raw-reused", "idtoken-cold", "idtoken-cached",
      "raw-accp", "raw-accp-reused", "idtoken-cold-accp", "jose4j", "nimbus", "auth0");

  private Candidates() {}

  /** Why a peer cannot run an algorithm, or null when it can. */
  static String unsupported(String name, Fixture.Alg alg) {
    if (name.equals("auth0") && (alg == Fixture.Alg.PS256 || alg == Fixture.Alg.EdDSA)) {
      return "auth0 java-jwt 4.x has no " + alg + " (RS*, ES*, HS* only)";
    }
    if (name.equals("nimbus") && alg == Fixture.Alg.EdDSA) {
      return "Nimbus verifies EdDSA only with Google Tink on the class path (optional dependency, not included)";
    }
    return null;
  }

  /**
   * Builds the candidate and checks it is honest: the valid token passes, the tampered, expired and
   * wrong-audience ones fail (the raw limit checks only the signature, so only the tampered one).
   *
   * @throws IllegalStateException if it is not
   */
  static Candidate create(String name, Fixture f) {
    String why = unsupported(name, f.alg);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
    Candidate c;
    try {
      c = switch (name) {
        case "raw" -> raw(f, null);
        case "raw-reused" -> rawReused(f, null);
        case "idtoken-cold" -> idtoken(f, false, null);
        case "idtoken-cached" -> idtoken(f, true, null);
        case "raw-accp" -> raw(f, accp());
        case "raw-accp-reused" -> rawReused(f, accp());
        case "idtoken-cold-accp" -> idtoken(f, false, accp());
        case "jose4j" -> jose4j(f);
        case "nimbus" -> nimbus(f);
        case "auth0" -> auth0(f);
        default -> throw new IllegalArgumentException("unknown candidate " + name);
      };
    } catch (Exception e) {
      throw new IllegalStateException("cannot build " + name + " for " + f.alg, e);
    }
    for (Fixture.Case k : f.cases()) {
      boolean expected = name.startsWith("raw") ? !k.name().equals("tampered") : k.mustPass();
      if (c.validate(k.token()) != expected) {
        throw new IllegalStateException(name + " " + f.alg + ": the " + k.name() + " token should "
            + (expected ? "pass" : "fail"));
      }
    }
    if (name.equals("idtoken-cached")) {
      // Fill the cache with another String of the same characters, so that every timed hit
      // compares the whole token, as it does for a token read from a fresh request.
      if (!c.validate(new String(f.valid.toCharArray()))) {
        throw new IllegalStateException("cached: the copy of the valid token should pass");
      }
    }
    return c;
  }

  /** Amazon Corretto Crypto Provider, loaded (not installed in the JVM's provider list). */
  static Provider accp() {
    Throwable error = AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError();
    if (error != null) {
      throw new IllegalStateException("Amazon Corretto Crypto Provider did not load", error);
    }
    return AmazonCorrettoCryptoProvider.INSTANCE;
  }

  /** The key as {@code provider}'s own key object (converted once, as the library does), or as it is. */
  private static PublicKey keyFor(PublicKey key, Provider provider) throws GeneralSecurityException {
    if (provider == null) {
      return key;
    }
    try {
      return (PublicKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
    } catch (NoSuchAlgorithmException e) {
      return key; // Corretto 2.5 has no EdDSA key factory; its Ed25519 takes the JDK key
    }
  }

  /**
   * The physical limit: {@link Signature#verify} of the token's signing input and signature,
   * decoded beforehand, with a fresh {@code Signature} per call as a plain JCA user writes it. No
   * parsing, no claim checks. With the JDK's provider ({@code raw}) or Corretto's ({@code raw-accp},
   * the key converted to Corretto's own key object beforehand, so the limit pays no conversion).
   */
  private static Candidate raw(Fixture f, Provider provider) throws GeneralSecurityException {
    Map<String, byte[][]> decoded = decodeSigningInputs(f);
    PublicKey key = keyFor(f.key.publicKey(), provider);
    return token -> {
      byte[][] d = decoded.get(token);
      try {
        Signature s = newVerifier(f.alg, key, provider);
        s.update(d[0]);
        return s.verify(d[1]);
      } catch (GeneralSecurityException e) {
        return false;
      }
    };
  }

  /**
   * Below the limit, for reference: the same check with a {@code Signature} per thread, initialised
   * with the key once, so each call is only {@code update} and {@code verify}.
   */
  private static Candidate rawReused(Fixture f, Provider provider) throws GeneralSecurityException {
    Map<String, byte[][]> decoded = decodeSigningInputs(f);
    PublicKey key = keyFor(f.key.publicKey(), provider);
    ThreadLocal<Signature> verifiers = ThreadLocal.withInitial(() -> {
      try {
        Signature s = newVerifier(f.alg, key, provider);
        return s;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
    return token -> {
      byte[][] d = decoded.get(token);
      Signature s = verifiers.get();
      try {
        s.update(d[0]);
        return s.verify(d[1]);
      } catch (GeneralSecurityException e) {
        verifiers.remove(); // its state is unknown after a failure
        return false;
      }
    };
  }

  /** Each case's signing input (ASCII) and decoded signature, keyed by the token's identity. */
  private static Map<String, byte[][]> decodeSigningInputs(Fixture f) {
    Map<String, byte[][]> decoded = new IdentityHashMap<>();
    for (Fixture.Case k : f.cases()) {
      String t = k.token();
      int dot = t.lastIndexOf('.');
      decoded.put(t, new byte[][] {t.substring(0, dot).getBytes(StandardCharsets.US_ASCII),
          Base64.getUrlDecoder().decode(t.substring(dot + 1))});
    }
    return decoded;
  }

  /** A JCA verifier for the algorithm, initialised with the key, as a plain JCA user writes it. */
  private static Signature newVerifier(Fixture.Alg alg, PublicKey key, Provider provider)
      throws GeneralSecurityException {
    String name = switch (alg) {
      case RS256 -> "SHA256withRSA";
      case PS256 -> "RSASSA-PSS";
      case ES256 -> "SHA256withECDSAinP1363Format";
      case EdDSA -> "Ed25519";
    };
    Signature s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
    s.initVerify(key);
    if (alg == Fixture.Alg.PS256) {
      s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    }
    return s;
  }

  /** This library, from the same JWKS document the peers get; with Corretto when a provider is given. */
  private static Candidate idtoken(Fixture f, boolean cache, Provider provider) throws Exception {
    IdTokenValidator.Builder b = IdTokenValidator.builder()
        .issuer(Fixture.ISSUER)
        .clientId(Fixture.CLIENT_ID)
        .allowedAlgorithms(f.alg.jws)
        .keySource(KeySet.parse(f.issuer.jwksJson()));
    if (cache) {
      b.cacheVerifiedTokens(10_000);
    }
    if (provider != null) {
      b.signatureProvider(provider);
    }
    IdTokenValidator validator = b.build();
    Expectations expectations = Expectations.nonce(Fixture.NONCE);
    return token -> validator.validate(token, expectations).isValid();
  }

  /** jose4j's JwtConsumer, keys by kid from the JWKS; jose4j has no nonce check, so it is done after. */
  private static Candidate jose4j(Fixture f) throws Exception {
    JwtConsumer consumer = new JwtConsumerBuilder()
        .setRequireExpirationTime()
        .setRequireIssuedAt()
        .setRequireSubject()
        .setAllowedClockSkewInSeconds(60)
        .setExpectedIssuer(Fixture.ISSUER)
        .setExpectedAudience(Fixture.CLIENT_ID)
        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, f.alg.jws.jwsName())
        .setVerificationKeyResolver(new JwksVerificationKeyResolver(
            new JsonWebKeySet(f.issuer.jwksJson()).getJsonWebKeys()))
        .build();
    return token -> {
      try {
        JwtClaims claims = consumer.processToClaims(token);
        return Fixture.NONCE.equals(claims.getStringClaimValue("nonce"));
      } catch (Exception e) {
        return false;
      }
    };
  }

  /** Nimbus DefaultJWTProcessor with an immutable JWK set and DefaultJWTClaimsVerifier. */
  private static Candidate nimbus(Fixture f) throws Exception {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
        JWSAlgorithm.parse(f.alg.jws.jwsName()), new ImmutableJWKSet<>(JWKSet.parse(f.issuer.jwksJson()))));
    processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Fixture.CLIENT_ID,
        new JWTClaimsSet.Builder().issuer(Fixture.ISSUER).claim("nonce", Fixture.NONCE).build(),
        Set.of("sub", "iat", "exp")));
    return token -> {
      try {
        processor.process(token, null);
        return true;
      } catch (Exception e) {
        return false;
      }
    };
  }

  /** auth0 java-jwt with a key provider by kid; exp, iat and sub made required (it checks exp only if present). */
  private static Candidate auth0(Fixture f) {
    String kid = f.key.kid();
    Algorithm algorithm;
    if (f.alg == Fixture.Alg.RS256) {
      RSAPublicKey key = (RSAPublicKey) f.key.publicKey();
      algorithm = Algorithm.RSA256(new RSAKeyProvider() {
        @Override
        public RSAPublicKey getPublicKeyById(String keyId) {
          return kid.equals(keyId) ? key : null;
        }

        @Override
        public RSAPrivateKey getPrivateKey() {
          return null;
        }

        @Override
        public String getPrivateKeyId() {
          return null;
        }
      });
    } else {
      ECPublicKey key = (ECPublicKey) f.key.publicKey();
      algorithm = Algorithm.ECDSA256(new ECDSAKeyProvider() {
        @Override
        public ECPublicKey getPublicKeyById(String keyId) {
          return kid.equals(keyId) ? key : null;
        }

        @Override
        public ECPrivateKey getPrivateKey() {
          return null;
        }

        @Override
        public String getPrivateKeyId() {
          return null;
        }
      });
    }
    JWTVerifier verifier = JWT.require(algorithm)
        .withIssuer(Fixture.ISSUER)
        .withAudience(Fixture.CLIENT_ID)
        .withClaim("nonce", Fixture.NONCE)
        .withClaimPresence("sub")
        .withClaimPresence("exp")
        .withClaimPresence("iat")
        .acceptLeeway(60)
        .build();
    return token -> {
      try {
        verifier.verify(token);
        return true;
      } catch (JWTVerificationException e) {
        return false;
      }
    };
  }
}
