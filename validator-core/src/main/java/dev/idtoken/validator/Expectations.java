package dev.idtoken.validator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * What one request expects of its ID token, beside the deployment-wide settings of the validator:
 * the {@code nonce} it sent, the {@code max_age} it asked for, the accepted {@code acr} values, and
 * the access token, authorization code and state that the token's hash claims must bind.
 *
 * <p>Immutable and thread-safe. Each expectation is enforced only when given, and then the claim
 * becomes required: a token without {@code nonce} fails when a nonce is expected (OpenID Connect Core
 * 1.0 §3.1.3.7 step 11), a token without {@code auth_time} fails when {@code max_age} is given (step
 * 13), a token without {@code at_hash} fails when an access token is given (§3.1.3.8, §3.2.2.9), and
 * likewise {@code c_hash} (§3.3.2.11) and FAPI's {@code s_hash} (FAPI 1.0 Part 2 §5.1). A login
 * exchange may also ask for {@linkplain Builder#oneTimeUse(ReplayGuard) one-time use}.
 */
public final class Expectations {
  private static final Expectations NONE = new Builder().build();
  // Bounds date arithmetic: no real max_age comes near it, and Instant.plus cannot overflow below it.
  static final Duration MAX_DURATION = Duration.ofDays(36_525);

  final String nonce;
  final Duration maxAge;
  final Set<String> acceptedAcrValues;
  final String accessToken;
  final String authorizationCode;
  final String state;
  final ReplayGuard replayGuard;

  private Expectations(Builder b) {
    this.nonce = b.nonce;
    this.maxAge = b.maxAge;
    this.acceptedAcrValues = b.acceptedAcrValues;
    this.accessToken = b.accessToken;
    this.authorizationCode = b.authorizationCode;
    this.state = b.state;
    this.replayGuard = b.replayGuard;
  }

  /** No per-request expectations. */
  public static Expectations none() {
    return NONE;
  }

  /** Expect exactly this {@code nonce}; shorthand for {@code builder().nonce(nonce).build()}. */
  public static Expectations nonce(String nonce) {
    return builder().nonce(nonce).build();
  }

  /** A builder with no expectations set. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link Expectations}. Not thread-safe; build once per request. */
  public static final class Builder {
    private String nonce;
    private Duration maxAge;
    private Set<String> acceptedAcrValues;
    private String accessToken;
    private String authorizationCode;
    private String state;
    private ReplayGuard replayGuard;

    private Builder() {}

    /**
     * The {@code nonce} sent in the authentication request; the token must carry exactly it.
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder nonce(String nonce) {
      this.nonce = nonEmpty(nonce, "nonce");
      return this;
    }

    /**
     * The {@code max_age} sent in the authentication request; {@code auth_time} must then be present
     * and no older than this (plus the validator's clock skew).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative() || maxAge.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException("maxAge must be between 0 and " + MAX_DURATION);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * The {@code acr} values the request accepts; the token's {@code acr} must be one of them.
     *
     * @throws IllegalArgumentException if none are given
     */
    public Builder acceptedAcrValues(String... values) {
      Objects.requireNonNull(values, "values");
      if (values.length == 0) {
        throw new IllegalArgumentException("acceptedAcrValues needs at least one value");
      }
      Arrays.stream(values).forEach(v -> nonEmpty(v, "acceptedAcrValues"));
      this.acceptedAcrValues = Set.copyOf(Arrays.asList(values));
      return this;
    }

    /** The access token issued with the ID token; {@code at_hash} must then be present and match. */
    public Builder accessToken(String accessToken) {
      this.accessToken = nonEmpty(accessToken, "accessToken");
      return this;
    }

    /** The authorization code returned with the ID token; {@code c_hash} must then be present and match. */
    public Builder authorizationCode(String code) {
      this.authorizationCode = nonEmpty(code, "authorizationCode");
      return this;
    }

    /** The {@code state} of the request (FAPI); {@code s_hash} must then be present and match. */
    public Builder state(String state) {
      this.state = nonEmpty(state, "state");
      return this;
    }

    /**
     * One-time use, for the login exchange: the token is accepted only if {@code guard} has not
     * recorded it yet, and is recorded until its {@code exp} plus the validator's clock skew. A second
     * presentation is {@link ErrorCode#TOKEN_REPLAYED}; a guard that cannot answer gives
     * {@link ValidationResult.Unavailable} ({@link ErrorCode#REPLAY_CHECK_UNAVAILABLE}), never
     * acceptance.
     *
     * <p>Set it on the endpoint that exchanges the ID token for a session, not on endpoints that keep
     * accepting the token as a bearer credential: those would consume it. The guard is consulted only
     * after every other check passed. The key recorded is derived from the verified claims ({@code
     * iss} and {@code jti} when the token has a {@code jti}, otherwise a digest of the verified
     * payload) and the validator's client id, never from the token string, whose ECDSA signature can
     * be re-encoded into a second valid string.
     */
    public Builder oneTimeUse(ReplayGuard guard) {
      this.replayGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** The immutable expectations. */
    public Expectations build() {
      return new Expectations(this);
    }

    private static String nonEmpty(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }
  }
}
