/**
 * Remote keys for the ID token validator: a provider's JWKS found directly or through OpenID Connect
 * Discovery, cached, refreshed and rotated. Start with
 * {@link dev.idtoken.jwks.RemoteKeySource#builder()}.
 *
 * <p>The validator's API appears in this module's signatures ({@code KeySource},
 * {@code IdTokenValidator}), so it is read transitively; Caffeine and Jackson are implementation
 * details and are not.
 */
module dev.idtoken.jwks {
  requires transitive dev.idtoken.validator;
  requires java.net.http;
  requires com.github.benmanes.caffeine;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.idtoken.jwks;
}
