/**
 * OpenID Connect ID token validation: an immutable, thread-safe validator with no HTTP. Start with
 * {@link dev.idtoken.validator.IdTokenValidator#builder()}.
 *
 * <p>Only {@code dev.idtoken.validator} is exported. jose4j, Jackson and SLF4J are read but never
 * appear in the exported API, so they are not re-exported ({@code requires}, not
 * {@code requires transitive}): an application can upgrade them without recompiling against us.
 */
module dev.idtoken.validator {
  requires org.jose4j;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.idtoken.validator;
}
