/**
 * Remote key sources for the ID token validator: a JSON Web Key Set fetched over HTTPS (RFC 7517
 * §5), found directly or through OpenID Connect Discovery 1.0 §4, cached with refresh-ahead,
 * rate-limited refresh on an unknown {@code kid}, and bounded stale serving during provider outages;
 * and a registry of issuers that can be added and removed at run time.
 *
 * <p>Start with {@link dev.idtoken.jwks.RemoteKeySource#builder()} for one provider, or
 * {@link dev.idtoken.jwks.IssuerRegistry#builder()} for many.
 */
package dev.idtoken.jwks;
