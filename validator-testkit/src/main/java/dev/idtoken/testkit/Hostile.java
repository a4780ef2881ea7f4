package dev.idtoken.testkit;

/**
 * Kinds of hostile ID token minted by {@link TestIssuer#hostile(Hostile)}. Each token is valid
 * (issuer, audience, times, signature by a published key) except for the one defect named, so a
 * validator that rejects it rejects it for that reason.
 */
public enum Hostile {
  /** {@code exp} an hour ago ({@code iat} five minutes before that). */
  EXPIRED,
  /** {@code nbf} an hour from now ({@code exp} five minutes after that). */
  NOT_YET_VALID,
  /** {@code iat} an hour from now ({@code exp} five minutes after that). */
  ISSUED_IN_FUTURE,
  /** {@code iss} is {@value TestIssuer#WRONG_ISSUER}. */
  WRONG_ISSUER,
  /** {@code aud} is {@value TestIssuer#OTHER_AUDIENCE} only. */
  WRONG_AUDIENCE,
  /** {@code aud} is the client id and {@value TestIssuer#OTHER_AUDIENCE}, with no {@code azp}. */
  EXTRA_AUDIENCE_WITHOUT_AZP,
  /** No {@code sub}. */
  MISSING_SUBJECT,
  /** Header {@code "alg":"none"} (kid kept) and an empty third segment. */
  ALG_NONE_UNSIGNED,
  /** Header {@code "alg":"none"}, yet signed with the signing key's default algorithm. */
  ALG_NONE_WITH_SIGNATURE,
  /**
   * {@code HS256} with the signing key's kid, the HMAC keyed with the bytes of that key's public
   * key in its X.509 SubjectPublicKeyInfo DER encoding ({@code PublicKey.getEncoded()}).
   */
  HS256_WITH_PUBLIC_KEY,
  /**
   * Signed by an attacker key (same type as the signing key) whose public JWK is in the {@code
   * "jwk"} header; its kid is unknown to the issuer.
   */
  EMBEDDED_JWK,
  /** Signed by an attacker key, with {@code "jku"} {@value TestIssuer#ATTACKER_JKU}; kid unknown. */
  JKU_HEADER,
  /** Signed by an unpublished key (same type as the signing key) under its own unknown kid. */
  UNKNOWN_KID,
  /** Validly signed, then {@code sub} changed to {@code "admin"}. */
  TAMPERED_PAYLOAD,
  /** One bit of one signature byte flipped. */
  TAMPERED_SIGNATURE,
  /** Signature cut to half its length. */
  TRUNCATED_SIGNATURE,
  /**
   * {@code ES256} with {@code r = s = 0} (64 zero bytes, CVE-2022-21449) under the kid of a
   * published P-256 key; the issuer publishes one first if it has none.
   */
  ZERO_ECDSA_SIGNATURE,
  /** Validly signed but over 64 KiB, padded in a {@code "padding"} claim. */
  OVERSIZED,
  /** Header {@code typ "at+jwt"} (an RFC 9068 access token), otherwise a valid ID token. */
  ACCESS_TOKEN
}
