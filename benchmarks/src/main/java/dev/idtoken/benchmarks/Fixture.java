package dev.idtoken.benchmarks;

import dev.idtoken.testkit.TestIssuer;
import dev.idtoken.testkit.TestKey;
import dev.idtoken.validator.JwsAlgorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The tokens every candidate validates for one algorithm: a realistic ID token (about 875 characters
 * with RS256, the claims a mainstream provider sends after an authorization code flow), and three
 * that must fail: a tampered payload, an expired token and one for another audience.
 */
final class Fixture {
  static final String ISSUER = "https://accounts.example.com";
  static final String CLIENT_ID = "1034527498612-web.apps.example.com";
  static final String NONCE = "n-0S6_WzA2Mj-4b8f3c1e";
  static final String OTHER_AUDIENCE = "other-client.apps.example.com";

  final Alg alg;
  final TestIssuer issuer;
  final TestKey key;
  final String valid;
  final String tampered;
  final String expired;
  final String wrongAudience;

  private Fixture(Alg alg) {
    this.alg = alg;
    this.issuer = TestIssuer.create(ISSUER, CLIENT_ID);
    this.key = alg.newKey();
    issuer.useSigningKey(key);
    Instant now = Instant.now();
    // Valid for a day, so a long run never sees the token expire halfway.
    Instant exp = now.plus(Duration.ofDays(1));
    this.valid = realistic(now, exp).sign();
    this.expired = realistic(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))).sign();
    this.wrongAudience = realistic(now, exp).audience(OTHER_AUDIENCE).sign();
    String[] parts = valid.split("\\.");
    String otherPayload = realistic(now, exp).subject("110169484474386276335").signingInput().split("\\.")[1];
    this.tampered = parts[0] + "." + otherPayload + "." + parts[2];
  }

  static Fixture of(Alg alg) {
    return new Fixture(alg);
  }

  private dev.idtoken.testkit.TokenBuilder realistic(Instant iat, Instant exp) {
    return issuer.token()
        .algorithm(alg.jws.jwsName())
        .subject("110169484474386276334")
        .authorizedParty(CLIENT_ID)
        .issuedAt(iat)
        .expiresAt(exp)
        .authTime(iat.minusSeconds(30))
        .nonce(NONCE)
        .accessTokenHash("ya29.a0AfB_byC-example-access-token")
        .claim("email", "jane.doe@example.com")
        .claim("email_verified", true)
        .claim("name", "Jane Doe")
        .claim("locale", "en");
  }

  /** The four tokens and whether a full validator must accept each. */
  List<Case> cases() {
    return List.of(new Case("valid", valid, true), new Case("tampered", tampered, false),
        new Case("expired", expired, false), new Case("wrong-aud", wrongAudience, false));
  }

  record Case(String name, String token, boolean mustPass) {}

  /** The benchmarked algorithms, with the key each is measured with. */
  enum Alg {
    RS256(JwsAlgorithm.RS256) {
      @Override
      TestKey newKey() {
        return TestKey.rsa(2048);
      }
    },
    PS256(JwsAlgorithm.PS256) {
      @Override
      TestKey newKey() {
        return TestKey.rsa(2048);
      }
    },
    ES256(JwsAlgorithm.ES256) {
      @Override
      TestKey newKey() {
        return TestKey.ec("P-256");
      }
    },
    EdDSA(JwsAlgorithm.EDDSA) {
      @Override
      TestKey newKey() {
        return TestKey.ed25519();
      }
    };

    final JwsAlgorithm jws;

    Alg(JwsAlgorithm jws) {
      this.jws = jws;
    }

    abstract TestKey newKey();
  }
}
