package dev.idtoken.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OpenID provider's signing side: it owns keys, publishes a JWKS and mints ID tokens.
 *
 * <p>Thread-safe. Key changes ({@link #addKey}, {@link #rotate()}, ...) are atomic and visible to
 * tokens minted afterwards and to {@link #jwksJson()}.
 *
 * <p>Defaults: one RSA-2048 key, published and signing; the system UTC clock. Tokens from {@link
 * #token()} are valid for five minutes from now.
 */
public final class TestIssuer {

  /** Claim that {@link Hostile#OVERSIZED} pads. */
  static final String PADDING_CLAIM = "padding";

  /** Where {@link Hostile#JKU_HEADER} points. */
  public static final String ATTACKER_JKU = "https://attacker.example/jwks";

  /** What {@link Hostile#WRONG_ISSUER} puts in {@code iss}. */
  public static final String WRONG_ISSUER = "https://attacker.example";

  /** What {@link Hostile#WRONG_AUDIENCE} and {@link Hostile#EXTRA_AUDIENCE_WITHOUT_AZP} add to {@code aud}. */
  public static final String OTHER_AUDIENCE = "other-client";

  private final String issuer;
  private final String clientId;
  private final Clock clock;
  private final KeyRing keys;

  private TestIssuer(String issuer, String clientId, Clock clock, KeyRing keys) {
    this.issuer = issuer;
    this.clientId = clientId;
    this.clock = clock;
    this.keys = keys;
  }

  /** An issuer with one RSA-2048 signing key and the system UTC clock. */
  public static TestIssuer create(String issuer, String clientId) {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(clientId, "clientId");
    return new TestIssuer(issuer, clientId, Clock.systemUTC(), new KeyRing(TestKey.rsa(2048)));
  }

  /**
   * An issuer that shares this one's keys (a rotation through either is seen by both) but mints
   * tokens with {@code iat}, {@code exp} and {@code auth_time} relative to {@code clock}.
   */
  public TestIssuer withClock(Clock clock) {
    return new TestIssuer(issuer, clientId, Objects.requireNonNull(clock, "clock"), keys);
  }

  public String issuer() {
    return issuer;
  }

  public String clientId() {
    return clientId;
  }

  public Clock clock() {
    return clock;
  }

  /** The key new tokens are signed with (it may have been unpublished with {@link #removeKey}). */
  public TestKey signingKey() {
    return keys.signingKey();
  }

  /** The keys in the JWKS, in publication order. */
  public List<TestKey> publishedKeys() {
    return keys.published();
  }

  /** Publishes {@code key} without signing with it. Publishing a key twice lists it twice. */
  public TestIssuer addKey(TestKey key) {
    keys.add(Objects.requireNonNull(key, "key"));
    return this;
  }

  /** Publishes {@code key} unless it already is, and signs new tokens with it. */
  public TestIssuer useSigningKey(TestKey key) {
    keys.useSigningKey(Objects.requireNonNull(key, "key"));
    return this;
  }

  /**
   * Unpublishes every key with this kid ({@code null}: the keys without a kid). The signing key
   * stays the signing key even when unpublished, so a test can mint tokens nobody can verify.
   */
  public TestIssuer removeKey(String kid) {
    keys.remove(kid);
    return this;
  }

  /**
   * Creates a key of the signing key's type (RSA size or curve, JWK alg and use carried over) with
   * a fresh kid and material unlike any published key, publishes it and makes it the signing key.
   * The previous key stays published.
   *
   * @return the new signing key
   */
  public TestKey rotate() {
    return keys.rotate();
  }

  /** The JWKS document of the published keys: {@code {"keys":[...]}}. */
  public String jwksJson() {
    return jwksJson(keys.published());
  }

  static String jwksJson(List<TestKey> keys) {
    List<Map<String, Object>> jwks = new ArrayList<>();
    for (TestKey key : keys) {
      jwks.add(key.publicJwk());
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("keys", jwks);
    return Codec.json(document);
  }

  /**
   * A builder pre-filled with a valid ID token from this issuer: {@code iss}, {@code sub
   * "user-1234"}, {@code aud} the client id, {@code iat} now, {@code exp} in five minutes, {@code
   * auth_time} a minute ago; signed with the current signing key.
   */
  public TokenBuilder token() {
    return new TokenBuilder(issuer, clientId, clock.instant(), keys.signingKey());
  }

  /**
   * A builder pre-filled with a valid back-channel logout token from this issuer (OpenID Connect
   * Back-Channel Logout 1.0 §2.4): {@code iss}, {@code sub "user-1234"}, {@code aud} the client id,
   * {@code iat} now, {@code exp} in two minutes, a random {@code jti}, {@code sid "session-5678"},
   * {@code events} with the back-channel logout event, header {@code typ} {@code logout+jwt}; signed
   * with the current signing key.
   */
  public TokenBuilder logoutToken() {
    return TokenBuilder.logout(issuer, clientId, clock.instant(), keys.signingKey());
  }

  /**
   * A token that is valid except for the one defect {@code kind} names; see {@link Hostile} for each.
   * {@link Hostile#ZERO_ECDSA_SIGNATURE} publishes a P-256 key first if none is published.
   */
  public String hostile(Hostile kind) {
    Objects.requireNonNull(kind, "kind");
    Instant now = clock.instant();
    switch (kind) {
      case EXPIRED:
        return token().issuedAt(now.minus(Duration.ofMinutes(65)))
            .authTime(now.minus(Duration.ofMinutes(66)))
            .expiresAt(now.minus(Duration.ofHours(1)))
            .sign();
      case NOT_YET_VALID:
        return token().notBefore(now.plus(Duration.ofHours(1)))
            .expiresAt(now.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5)))
            .sign();
      case ISSUED_IN_FUTURE:
        return token().issuedAt(now.plus(Duration.ofHours(1)))
            .expiresAt(now.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(5)))
            .sign();
      case WRONG_ISSUER:
        return token().issuer(WRONG_ISSUER).sign();
      case WRONG_AUDIENCE:
        return token().audience(OTHER_AUDIENCE).sign();
      case EXTRA_AUDIENCE_WITHOUT_AZP:
        return token().audience(clientId, OTHER_AUDIENCE).authorizedParty(null).sign();
      case MISSING_SUBJECT:
        return token().removeClaim("sub").sign();
      case ALG_NONE_UNSIGNED:
        return token().algorithm("none").sign();
      case ALG_NONE_WITH_SIGNATURE:
        return token().header("alg", "none").sign();
      case HS256_WITH_PUBLIC_KEY:
        return token()
            .algorithm("HS256")
            .hmacSecret(signingKey().publicKey().getEncoded())
            .sign();
      case EMBEDDED_JWK: {
        TestKey attacker = keys.attackerKey();
        return token().signWith(attacker).header("jwk", attacker.publicJwk()).sign();
      }
      case JKU_HEADER:
        return token().signWith(keys.attackerKey()).header("jku", ATTACKER_JKU).sign();
      case UNKNOWN_KID:
        return token().signWith(keys.attackerKey()).sign();
      case TAMPERED_PAYLOAD: {
        TokenBuilder builder = token();
        String[] parts = builder.sign().split("\\.", -1);
        String tampered = builder.subject("admin").signingInput().split("\\.", -1)[1];
        return parts[0] + "." + tampered + "." + parts[2];
      }
      case TAMPERED_SIGNATURE: {
        String[] parts = token().sign().split("\\.", -1);
        byte[] signature = Codec.b64urlDecode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Codec.b64url(signature);
      }
      case TRUNCATED_SIGNATURE: {
        String[] parts = token().sign().split("\\.", -1);
        byte[] signature = Codec.b64urlDecode(parts[2]);
        byte[] half = Arrays.copyOf(signature, signature.length / 2);
        return parts[0] + "." + parts[1] + "." + Codec.b64url(half);
      }
      case ZERO_ECDSA_SIGNATURE: {
        TestKey p256 = keys.publishedP256();
        String input = token().signWith(p256).algorithm("ES256").signingInput();
        return input + "." + Codec.b64url(new byte[64]);
      }
      case OVERSIZED:
        return token().claim(PADDING_CLAIM, "A".repeat(66 * 1024)).sign();
      case ACCESS_TOKEN:
        return token().type("at+jwt").sign();
      default:
        throw new AssertionError(kind);
    }
  }

  @Override
  public String toString() {
    return "TestIssuer[" + issuer + ", clientId=" + clientId + "]";
  }

  /** Mutable key state shared by an issuer and its {@link #withClock} copies. */
  private static final class KeyRing {
    private final List<TestKey> published = new ArrayList<>();
    private TestKey signing;

    KeyRing(TestKey initial) {
      published.add(initial);
      signing = initial;
    }

    synchronized TestKey signingKey() {
      return signing;
    }

    synchronized List<TestKey> published() {
      return List.copyOf(published);
    }

    synchronized void add(TestKey key) {
      published.add(key);
    }

    synchronized void useSigningKey(TestKey key) {
      if (!published.contains(key)) {
        published.add(key);
      }
      signing = key;
    }

    synchronized void remove(String kid) {
      published.removeIf(k -> Objects.equals(k.kid(), kid));
    }

    synchronized TestKey rotate() {
      TestKey next = signing.sibling(avoid());
      published.add(next);
      signing = next;
      return next;
    }

    /** Same type as the signing key, so only "unknown key" sets it apart. */
    synchronized TestKey attackerKey() {
      return signing.sibling(avoid()).withJwkAlgorithm(null);
    }

    synchronized TestKey publishedP256() {
      for (TestKey key : published) {
        if ("P-256".equals(key.curve())) {
          return key;
        }
      }
      TestKey added = TestKey.distinctP256(avoid());
      published.add(added);
      return added;
    }

    private List<TestKey> avoid() {
      List<TestKey> avoid = new ArrayList<>(published);
      avoid.add(signing);
      return avoid;
    }
  }
}
