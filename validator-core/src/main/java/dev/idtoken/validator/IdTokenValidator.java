package dev.idtoken.validator;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OpenID Connect ID tokens for one issuer and one client, as OpenID Connect Core 1.0
 * §3.1.3.7 requires.
 *
 * <p>Immutable and thread-safe: build one at start-up and share it across request threads. Secure by
 * default: RS256 only, {@code exp}, {@code iat}, {@code iss}, {@code aud} and {@code sub} required, 60
 * seconds of clock skew, tokens over 16 KiB refused unread, no audience but the client id trusted, a
 * header {@code typ} other than {@code JWT} refused, {@code none} impossible, an unknown {@code crit}
 * refused, a back-channel logout token refused ({@link ErrorCode#LOGOUT_TOKEN}; see {@link
 * LogoutTokenValidator}), and the {@code jku}, {@code x5u}, {@code jwk} and {@code x5c} headers never
 * used.
 *
 * <pre>{@code
 * IdTokenValidator validator = IdTokenValidator.builder()
 *     .issuer("https://login.example.com")
 *     .clientId("my-client-id")
 *     .keySource(keySource)
 *     .build();
 * ValidationResult result = validator.validate(idToken, Expectations.nonce(sessionNonce));
 * }</pre>
 *
 * <p>The checks run in the order of §3.1.3.7: size and shape, header and algorithm, key and
 * signature (these stop at the first failure), then issuer, audience, {@code azp}, times, nonce,
 * {@code acr}, {@code auth_time}, hash claims and subject (these report every failure), and last,
 * when the request asks for {@linkplain Expectations.Builder#oneTimeUse one-time use}, the replay
 * guard. Rejections are logged at debug level with the reason code only.
 */
public final class IdTokenValidator {
  /** Default clock skew allowed on {@code exp}, {@code nbf}, {@code iat} and {@code auth_time}. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  /** The largest clock skew the builder accepts. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  /** Default maximum length of a raw token, in characters. */
  public static final int DEFAULT_MAX_TOKEN_SIZE = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(IdTokenValidator.class);

  private final String issuer;
  private final String clientId;
  private final Set<JwsAlgorithm> allowedAlgorithms;
  private final int maxTokenSize;
  private final Clock clock;
  private final Duration clockSkew;
  private final JwsVerifier jwsVerifier;
  private final ClaimChecks claimChecks;
  private final VerifiedTokenCache cache; // null unless enabled
  // What a sibling LogoutTokenValidator shares: the same provider, keys, algorithms and signatures.
  final KeySource keySource;
  final byte[] clientSecret;
  final Signatures signatures;
  private final JsonReader.ExpectedValues expectedValues; // iss, aud, azp read without a new string

  private IdTokenValidator(Builder b, Signatures signatures) {
    this.keySource = b.keySource;
    this.clientSecret = b.clientSecret == null ? null : b.clientSecret.clone();
    this.issuer = b.issuer;
    this.clientId = b.clientId;
    this.allowedAlgorithms = Set.copyOf(b.allowedAlgorithms);
    this.maxTokenSize = b.maxTokenSize;
    this.clock = b.clock;
    this.clockSkew = b.clockSkew;
    this.signatures = signatures;
    this.expectedValues = new JsonReader.ExpectedValues(b.issuer, b.clientId);
    this.jwsVerifier = new JwsVerifier(EnumSet.copyOf(b.allowedAlgorithms), b.keySource,
        b.clientSecret, b.acceptAnyTokenType ? JwsVerifier.TypeRule.ANY_BUT_LOGOUT
            : JwsVerifier.TypeRule.ID_TOKEN, signatures);
    Set<String> trusted = b.acceptUntrustedAudiences ? null : Set.copyOf(b.trustedAudiences);
    this.claimChecks = new ClaimChecks(b.issuer, b.clientId, trusted, b.clockSkew, b.maxTokenAge);
    this.cache = b.cacheEntries == 0 ? null : new VerifiedTokenCache(b.cacheEntries);
  }

  /** A builder with the secure defaults; issuer, client id and key source must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The issuer this validator accepts. */
  public String issuer() {
    return issuer;
  }

  /** The client id that must be an audience. */
  public String clientId() {
    return clientId;
  }

  Clock clock() {
    return clock;
  }

  int maxTokenSize() {
    return maxTokenSize;
  }

  ClaimChecks claimChecks() {
    return claimChecks;
  }

  /** The signature algorithms this validator accepts. */
  public Set<JwsAlgorithm> allowedAlgorithms() {
    return allowedAlgorithms;
  }

  /** Validates a token with no per-request expectations. Never throws for any token. */
  public ValidationResult validate(String token) {
    return validate(token, Expectations.none());
  }

  /**
   * Validates a token against this validator's configuration and the request's expectations.
   *
   * <p>Never throws for any token: an unexpected internal failure (a defective key source, a JCA
   * provider that throws) is returned as {@link ValidationResult.Failed}.
   *
   * @param token the compact serialised ID token; null is reported as {@link ErrorCode#MALFORMED_TOKEN}
   * @throws NullPointerException if {@code expectations} is null
   */
  public ValidationResult validate(String token, Expectations expectations) {
    Objects.requireNonNull(expectations, "expectations");
    ValidationResult result;
    try {
      result = doValidate(token, expectations);
    } catch (Rejection rejection) {
      result = rejection.result;
    } catch (RuntimeException | LinkageError e) {
      // Last resort: a defect (ours, a key source's, a JCA provider's, a library version the
      // classpath lacks) is reported as an outcome the caller answers 500, never as a bad token.
      result = Failures.internal(e);
    }
    if (!result.isValid() && log.isDebugEnabled()) {
      log.debug("ID token not accepted: {}", describe(result));
    }
    return result;
  }

  /**
   * Validates a token and returns the verified identity, or throws.
   *
   * @throws IdTokenValidationException if the token is invalid or could not be checked
   */
  public VerifiedIdToken validateOrThrow(String token, Expectations expectations)
      throws IdTokenValidationException {
    ValidationResult result = validate(token, expectations);
    if (result instanceof ValidationResult.Valid) {
      return ((ValidationResult.Valid) result).token();
    }
    throw new IdTokenValidationException(result);
  }

  /** {@link #validateOrThrow(String, Expectations)} with no per-request expectations. */
  public VerifiedIdToken validateOrThrow(String token) throws IdTokenValidationException {
    return validateOrThrow(token, Expectations.none());
  }

  private ValidationResult doValidate(String token, Expectations expectations) throws Rejection {
    // Step 1 hardening: bound the work before decoding anything.
    if (token == null || token.isEmpty()) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN);
    }
    if (token.length() > maxTokenSize) {
      throw Rejection.invalid(ErrorCode.TOKEN_TOO_LARGE);
    }
    if (cache != null) {
      VerifiedTokenCache.Entry hit = cache.get(token);
      if (hit != null) {
        ValidationResult result = revalidate(hit, expectations);
        if (result != null) {
          return consumeIfOneTime(result, expectations);
        }
      }
    }
    JwsVerifier.Verified jws = jwsVerifier.verify(token);
    Json.Claims claims = Json.parseClaims(jws.payload, expectedValues);
    if (claims == null) {
      throw Rejection.invalid(ErrorCode.MALFORMED_TOKEN, "payload");
    }
    // Back-Channel Logout 1.0 §2.4: a logout token, whose events claim no ID token has, is refused
    // whatever its other claims (a nonce-less one would otherwise pass as a login).
    if (claims.get("events") != null) {
      throw Rejection.invalid(ErrorCode.LOGOUT_TOKEN, "events");
    }
    List<ValidationError> errors = new ArrayList<>(0); // no backing array unless there is an error
    Instant now = clock.instant();
    VerifiedIdToken verified = claimChecks.check(claims, jws, expectations, now, errors);
    if (verified == null) {
      return new ValidationResult.Invalid(errors);
    }
    ValidationResult.Valid valid = new ValidationResult.Valid(verified);
    // An entry never outlives the token's exp (the clock skew is granted on cold validations only).
    if (cache != null && now.isBefore(verified.expiresAt())) {
      cache.put(token, valid, jws.algorithm, jws.kid, jws.key);
    }
    return consumeIfOneTime(valid, expectations);
  }

  /**
   * §3.1.3.7 step 11 (replay), for a one-time login exchange: last, so only a token that passed every
   * other check is recorded, and on cached and cold results alike (the cache holds what is true of
   * the token, not whether it was used). Fails closed: a guard that cannot answer gives Unavailable,
   * and one that throws anything else is defective, which validate() turns into Failed.
   */
  private ValidationResult consumeIfOneTime(ValidationResult result, Expectations expectations) {
    ReplayGuard guard = expectations.replayGuard;
    if (guard == null || !(result instanceof ValidationResult.Valid)) {
      return result;
    }
    VerifiedIdToken token = ((ValidationResult.Valid) result).token();
    // The validator accepts the token until exp + skew, so the record must last at least as long.
    Instant keepUntil = token.expiresAt().plus(clockSkew);
    try {
      if (guard.tryRecord(token.replayKey(clientId), keepUntil)) {
        return result;
      }
      return new ValidationResult.Invalid(List.of(ValidationError.of(ErrorCode.TOKEN_REPLAYED)));
    } catch (ReplayGuardException e) {
      return new ValidationResult.Unavailable(ValidationError.of(ErrorCode.REPLAY_CHECK_UNAVAILABLE));
    }
  }

  /**
   * A cache hit: the same result a cold validation would give, or null when the entry may no longer
   * be used (the token expired, or the key that verified it is no longer selected by the key source),
   * in which case the entry is dropped and the caller validates from scratch.
   */
  private ValidationResult revalidate(VerifiedTokenCache.Entry hit, Expectations expectations) {
    Instant now = clock.instant();
    if (!now.isBefore(hit.expiresAt)
        || (hit.key != null && !jwsVerifier.stillSelects(hit.kid, hit.algorithm, hit.key))) {
      cache.remove(hit);
      return null;
    }
    // Everything that depends on the clock or on this request runs again: exp, nbf, iat, nonce,
    // acr, max_age and the hash claims. The rest (signature, iss, aud, azp, sub, claim types) depends
    // only on the token's bytes and the validator's fixed configuration, and passed when cached.
    List<ValidationError> errors = new ArrayList<>(0);
    claimChecks.checkPerCall(hit.perCall(), Set.of(), hit.algorithm, expectations, now, errors);
    return errors.isEmpty() ? hit.result : new ValidationResult.Invalid(errors);
  }

  /** Which provider checks which algorithm; for tests. */
  Signatures signatures() {
    return signatures;
  }

  /** The verified-token cache, or null when off; for tests. */
  VerifiedTokenCache verifiedTokenCache() {
    return cache;
  }

  static String describe(ValidationResult result) {
    if (result instanceof ValidationResult.Invalid) {
      return ((ValidationResult.Invalid) result).errors().toString();
    }
    if (result instanceof ValidationResult.Unavailable) {
      return ((ValidationResult.Unavailable) result).error().toString();
    }
    if (result instanceof ValidationResult.Failed) {
      return ((ValidationResult.Failed) result).error().toString();
    }
    return "VALID";
  }

  @Override
  public String toString() {
    return "IdTokenValidator[issuer=" + issuer + ", clientId=" + clientId + ", algorithms="
        + allowedAlgorithms + "]";
  }

  /**
   * Configures an {@link IdTokenValidator}. Not thread-safe. Each setter checks its argument
   * ({@code NullPointerException} for null, {@code IllegalArgumentException} naming the option for a
   * bad value); {@link #build()} checks that the configuration is complete and consistent.
   */
  public static final class Builder {
    private String issuer;
    private String clientId;
    private KeySource keySource;
    private Set<JwsAlgorithm> allowedAlgorithms = EnumSet.of(JwsAlgorithm.RS256);
    private byte[] clientSecret;
    private Duration clockSkew = DEFAULT_CLOCK_SKEW;
    private Clock clock = Clock.systemUTC();
    private int maxTokenSize = DEFAULT_MAX_TOKEN_SIZE;
    private Duration maxTokenAge;
    private final Set<String> trustedAudiences = new HashSet<>();
    private boolean acceptUntrustedAudiences;
    private boolean acceptAnyTokenType;
    private int cacheEntries;
    private Provider signatureProvider;

    private Builder() {}

    /**
     * The issuer identifier; {@code iss} must equal it exactly (required).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder issuer(String issuer) {
      this.issuer = nonBlank(issuer, "issuer");
      return this;
    }

    /**
     * The OAuth client id of this application; {@code aud} must contain it (required).
     *
     * @throws IllegalArgumentException if blank
     */
    public Builder clientId(String clientId) {
      this.clientId = nonBlank(clientId, "clientId");
      return this;
    }

    /** Where the public keys come from (required unless only HMAC algorithms are allowed). */
    public Builder keySource(KeySource keySource) {
      this.keySource = Objects.requireNonNull(keySource, "keySource");
      return this;
    }

    /**
     * The accepted signature algorithms, replacing the default (RS256 only, OpenID Connect's
     * default). There is no way to allow {@code none}.
     *
     * @throws IllegalArgumentException if none are given
     */
    public Builder allowedAlgorithms(JwsAlgorithm first, JwsAlgorithm... more) {
      Objects.requireNonNull(first, "allowedAlgorithms");
      List<JwsAlgorithm> all = new ArrayList<>(Arrays.asList(more));
      all.add(0, first);
      return allowedAlgorithms(all);
    }

    /**
     * The accepted signature algorithms, replacing the default (RS256 only).
     *
     * @throws IllegalArgumentException if the collection is empty
     */
    public Builder allowedAlgorithms(Collection<JwsAlgorithm> algorithms) {
      Objects.requireNonNull(algorithms, "allowedAlgorithms");
      if (algorithms.isEmpty()) {
        throw new IllegalArgumentException("allowedAlgorithms must not be empty");
      }
      algorithms.forEach(a -> Objects.requireNonNull(a, "allowedAlgorithms element"));
      this.allowedAlgorithms = EnumSet.copyOf(algorithms);
      return this;
    }

    /**
     * The client secret, the only key HS256/384/512 tokens are verified with (OpenID Connect Core
     * §10.1): its UTF-8 bytes must be at least as long as the hash of each allowed HMAC algorithm
     * (RFC 7518 §3.2), which {@link #build()} checks.
     */
    public Builder clientSecret(String clientSecret) {
      Objects.requireNonNull(clientSecret, "clientSecret");
      this.clientSecret = clientSecret.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    /**
     * The clock skew allowed on every time check (default 60 seconds).
     *
     * @throws IllegalArgumentException if negative or above {@link #MAX_CLOCK_SKEW}
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "clockSkew");
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException("clockSkew must be between 0 and " + MAX_CLOCK_SKEW);
      }
      this.clockSkew = skew;
      return this;
    }

    /** The clock the time checks use (default {@link Clock#systemUTC()}); inject a fixed one in tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The longest raw token accepted, in characters (default 16 KiB); longer ones are refused before
     * any decoding.
     *
     * @throws IllegalArgumentException if outside [1 KiB, 1 MiB]
     */
    public Builder maxTokenSize(int characters) {
      if (characters < 1024 || characters > 1024 * 1024) {
        throw new IllegalArgumentException("maxTokenSize must be between 1024 and 1048576");
      }
      this.maxTokenSize = characters;
      return this;
    }

    /**
     * Refuse tokens whose {@code iat} is older than this (default: no limit beyond {@code exp}).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxTokenAge(Duration age) {
      Objects.requireNonNull(age, "maxTokenAge");
      if (age.isNegative() || age.isZero() || age.compareTo(Expectations.MAX_DURATION) > 0) {
        throw new IllegalArgumentException("maxTokenAge must be positive and at most " + Expectations.MAX_DURATION);
      }
      this.maxTokenAge = age;
      return this;
    }

    /**
     * Audiences besides the client id that a token may also name (default: none). OpenID Connect
     * Core §3.1.3.7 step 3 requires rejecting tokens with audiences the client does not trust.
     */
    public Builder trustedAudiences(String... audiences) {
      Objects.requireNonNull(audiences, "trustedAudiences");
      for (String audience : audiences) {
        trustedAudiences.add(nonBlank(audience, "trustedAudiences"));
      }
      return this;
    }

    /**
     * Relaxation: accept tokens whose {@code aud} also names audiences that are not trusted. Such a
     * token could be replayed to those other audiences' services; prefer {@link #trustedAudiences}.
     */
    public Builder acceptUntrustedAdditionalAudiences() {
      this.acceptUntrustedAudiences = true;
      return this;
    }

    /**
     * Relaxation: skip the header {@code typ} check, which otherwise refuses any {@code typ} but
     * {@code JWT} (so an RFC 9068 {@code at+jwt} access token is never taken for an ID token). A
     * {@code logout+jwt} logout token is refused all the same ({@link ErrorCode#LOGOUT_TOKEN}).
     */
    public Builder acceptAnyTokenType() {
      this.acceptAnyTokenType = true;
      return this;
    }

    /**
     * Remembers up to {@code maxEntries} tokens that validated, so that the same token presented
     * again skips the signature check and the JSON parse (default: off). Worth it where clients send
     * the same ID token with every request, as single-page apps and mobile apps do.
     *
     * <p>A hit gives exactly the result a cold validation would: it compares the whole token string;
     * runs again every check that depends on the clock or on the request ({@code exp}, {@code nbf},
     * {@code iat}, {@code nonce}, {@code acr}, {@code max_age}, {@code at_hash}, {@code c_hash},
     * {@code s_hash}); asks the key source again for the token's {@code kid} and drops the entry
     * unless the key that verified the token is still selected (so each hit costs one key source
     * lookup); and is never served at or after the token's {@code exp}. Only valid tokens are
     * cached. Each entry holds the token string and its parsed claims: about 2 KB for a typical
     * 900-character ID token (measured), so 10,000 entries take about 20 MB. When full, the entry that expires
     * first is replaced. The cache is lock-free and private to this validator.
     *
     * @throws IllegalArgumentException if outside [1, 1048576]
     */
    public Builder cacheVerifiedTokens(int maxEntries) {
      if (maxEntries < 1 || maxEntries > 1024 * 1024) {
        throw new IllegalArgumentException("cacheVerifiedTokens must be between 1 and 1048576");
      }
      this.cacheEntries = maxEntries;
      return this;
    }

    /**
     * The JCA provider that checks signatures (default: the JDK's own providers), for example Amazon
     * Corretto Crypto Provider, whose native code verifies RS256 about twice and ES256 about twenty
     * times as fast as the JDK 17 providers. It is used for every allowed algorithm it offers a
     * {@code Signature} for; the others stay on the JDK's (Corretto 2.5 offers all of them). Keys are
     * converted into the provider's own key objects once each, not per token. The library's own
     * checks still come first whatever the provider: the ECDSA signature length and {@code r},
     * {@code s} range, and the RSA key size, exponent and ROCA checks made when a key is loaded.
     *
     * <p>{@link #build()} proves the provider before any token meets it: each algorithm it takes over
     * must verify a known signature and refuse an altered one, and a provider that offers none of
     * the allowed algorithms (what Corretto does when its native library cannot load) is refused,
     * with the provider's own loading error as the cause. Nothing falls back silently.
     *
     * @throws NullPointerException if {@code provider} is null
     */
    public Builder signatureProvider(Provider provider) {
      this.signatureProvider = Objects.requireNonNull(provider, "signatureProvider");
      return this;
    }

    /**
     * Builds the validator.
     *
     * @throws IllegalStateException if jackson-databind, jose4j or slf4j-api on the class path is older
     *     than supported (the message names the version found and the one needed), the issuer or
     *     client id is missing, no key source is set
     *     while an asymmetric algorithm is allowed, an HMAC algorithm is allowed without a client
     *     secret, the secret is shorter than an allowed HMAC algorithm needs, or the
     *     {@linkplain #signatureProvider signature provider} offers none of the allowed algorithms
     *     (its loading error, if it reports one, is the cause) or fails its self-test
     */
    public IdTokenValidator build() {
      Dependencies.requireSupported();
      requireState(issuer != null, "issuer is required");
      requireState(clientId != null, "clientId is required");
      boolean asymmetric = allowedAlgorithms.stream().anyMatch(a -> !a.isSymmetric());
      requireState(!asymmetric || keySource != null, "keySource is required");
      for (JwsAlgorithm alg : allowedAlgorithms) {
        if (alg.isSymmetric()) {
          requireState(clientSecret != null, alg.jwsName() + " needs a clientSecret");
          requireState(clientSecret.length >= alg.hashLength(), alg.jwsName()
              + " needs a clientSecret of at least " + alg.hashLength() + " bytes");
        }
      }
      Signatures signatures = signatureProvider == null
          ? Signatures.JDK : Signatures.withProvider(signatureProvider, allowedAlgorithms);
      if (signatureProvider != null) {
        log.info("Signature checks by {} for {}; by the JDK's providers for the other allowed algorithms",
            signatureProvider.getName(), signatures.provided());
        if (keySource instanceof KeySet) {
          // A static key set is loaded already: convert its keys for the provider now.
          ((KeySet) keySource).keys().forEach(signatures::prepare);
        }
      }
      return new IdTokenValidator(this, signatures);
    }

    private static void requireState(boolean condition, String message) {
      if (!condition) {
        throw new IllegalStateException(message);
      }
    }

    private static String nonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
