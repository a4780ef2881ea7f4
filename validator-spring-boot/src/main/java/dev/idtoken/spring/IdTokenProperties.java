package dev.idtoken.spring;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code idtoken.*} properties: one issuer ({@code idtoken.issuer}, {@code idtoken.client-id})
 * or several ({@code idtoken.issuers[n].issuer}, ...), bound at start-up.
 *
 * <p>Immutable. Values are checked when the beans are built; a wrong one stops the application with
 * an {@link IdTokenPropertyException} naming the property. With {@code issuers}, the top-level
 * {@code client-id}, {@code algorithms}, {@code clock-skew}, {@code max-token-age} and
 * {@code trusted-audiences} are the defaults of every entry, and {@code issuer} and {@code jwks-uri}
 * must not be set.
 *
 * @param issuer Issuer identifier, compared exactly with each token's "iss". Its keys are found
 *     through OpenID Connect Discovery unless jwks-uri is set.
 * @param clientId Client id the tokens must be meant for ("aud", "azp").
 * @param algorithms JWS algorithms accepted, by exact name; never "none".
 * @param clockSkew Clock skew allowed on every time check, at most 5 minutes.
 * @param maxTokenAge Refuse tokens issued longer ago than this (by default no limit beyond "exp").
 * @param trustedAudiences Audiences besides the client id that a token may also name.
 * @param jwksUri Provider's JWKS URL, skipping discovery (by default found through discovery).
 * @param issuers Several trusted issuers, each chosen by the token's "iss"; options left out take the
 *     top-level values.
 * @param authorities How granted authorities are read from the token.
 */
@ConfigurationProperties("idtoken")
public record IdTokenProperties(
    String issuer,
    String clientId,
    @DefaultValue("RS256") List<String> algorithms,
    @DefaultValue("60s") Duration clockSkew,
    Duration maxTokenAge,
    @DefaultValue List<String> trustedAudiences,
    URI jwksUri,
    @DefaultValue List<Issuer> issuers,
    @DefaultValue Authorities authorities) {

  /** Copies the lists. */
  public IdTokenProperties {
    algorithms = algorithms == null ? List.of() : List.copyOf(algorithms);
    trustedAudiences = trustedAudiences == null ? List.of() : List.copyOf(trustedAudiences);
    issuers = issuers == null ? List.of() : List.copyOf(issuers);
    authorities = authorities == null ? new Authorities(null, Authorities.DEFAULT_PREFIX) : authorities;
  }

  /**
   * One of several trusted issuers ({@code idtoken.issuers[n].*}); an option left out takes the
   * top-level value.
   *
   * @param issuer the issuer identifier, compared exactly with each token's {@code iss}
   * @param clientId the client id its tokens must be meant for
   * @param algorithms the JWS algorithms accepted from this issuer
   * @param clockSkew the clock skew allowed for this issuer
   * @param maxTokenAge refuse this issuer's tokens issued longer ago than this
   * @param trustedAudiences audiences besides the client id that its tokens may also name
   * @param jwksUri this issuer's JWKS URL; skips discovery
   */
  public record Issuer(
      String issuer,
      String clientId,
      List<String> algorithms,
      Duration clockSkew,
      Duration maxTokenAge,
      List<String> trustedAudiences,
      URI jwksUri) {

    /** Copies the lists. */
    public Issuer {
      algorithms = algorithms == null ? null : List.copyOf(algorithms);
      trustedAudiences = trustedAudiences == null ? null : List.copyOf(trustedAudiences);
    }
  }

  /**
   * Granted authorities from a claim ({@code idtoken.authorities.*}).
   *
   * @param claim Claim holding the roles or groups: a list of strings or a space-separated string.
   *     A dotted name such as realm_access.roles (Keycloak) is a path into nested objects unless a
   *     claim has that exact name. By default none, so no authorities.
   * @param prefix Put before each value, so that hasRole("admin") matches the value "admin".
   */
  public record Authorities(String claim, @DefaultValue(DEFAULT_PREFIX) String prefix) {
    /** The default prefix, {@value}. */
    public static final String DEFAULT_PREFIX = "ROLE_";

    /** Treats a missing prefix as the default. */
    public Authorities {
      prefix = prefix == null ? DEFAULT_PREFIX : prefix;
    }
  }
}
