package dev.idtoken.validator;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A back-channel logout token that passed every check of OpenID Connect Back-Channel Logout 1.0
 * §2.6: the provider asks to end the sessions it names.
 *
 * <p>Immutable and thread-safe. Only {@link LogoutTokenValidator} creates instances. End the
 * sessions of {@link #subject()} at {@link #issuer()} when only a subject is given, or the one session
 * {@link #sessionId()} when a {@code sid} is given (§2.7). Remembering {@link #jwtId()} until
 * {@link #expiresAt()} to refuse a replay is the caller's choice (§2.6 step 7). {@link #toString()}
 * shows no personal data.
 */
public final class VerifiedLogoutToken {
  private final String issuer;
  private final List<String> audiences;
  private final String subject;
  private final String sessionId;
  private final String jwtId;
  private final Instant issuedAt;
  private final Instant expiresAt;

  VerifiedLogoutToken(String issuer, List<String> audiences, String subject, String sessionId,
      String jwtId, Instant issuedAt, Instant expiresAt) {
    this.issuer = issuer;
    this.audiences = audiences;
    this.subject = subject;
    this.sessionId = sessionId;
    this.jwtId = jwtId;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
  }

  /** {@code iss}: the issuer, exactly as configured. */
  public String issuer() {
    return issuer;
  }

  /** {@code aud}: the audiences, the client id among them. */
  public List<String> audiences() {
    return audiences;
  }

  /** {@code sub}: the user whose sessions end, when given (at least one of sub and sid is). */
  public Optional<String> subject() {
    return Optional.ofNullable(subject);
  }

  /** {@code sid}: the session that ends, when given (at least one of sub and sid is). */
  public Optional<String> sessionId() {
    return Optional.ofNullable(sessionId);
  }

  /** {@code jti}: this token's unique identifier. */
  public String jwtId() {
    return jwtId;
  }

  /** {@code iat}: when the provider issued this token. */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** {@code exp}: when this token expires. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Names which identifiers are present, never their values. */
  @Override
  public String toString() {
    return "VerifiedLogoutToken[issuer=" + issuer + ", subject=" + (subject == null ? "absent" : "present")
        + ", sessionId=" + (sessionId == null ? "absent" : "present") + "]";
  }
}
