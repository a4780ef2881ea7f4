/**
 * Test kit for ID token validators: mint valid and hostile tokens, and run a fake OpenID provider
 * on a loopback port. Start with {@link dev.idtoken.testkit.TestIssuer} and
 * {@link dev.idtoken.testkit.FakeProvider}.
 *
 * <p>{@code dev.idtoken.testkit.junit} holds the optional JUnit 5 extension: JUnit Jupiter's API is
 * read only when present ({@code requires static}; not {@code transitive}, which javac would turn
 * into a compile-time requirement for every reader of the kit), so the kit works without JUnit on the module
 * path as long as that package is not used. The HTTP server and Jackson are implementation details.
 */
module dev.idtoken.testkit {
  requires mockwebserver3;
  requires okhttp3;
  requires okhttp3.tls;
  requires com.fasterxml.jackson.databind;
  requires static org.junit.jupiter.api;

  exports dev.idtoken.testkit;
  exports dev.idtoken.testkit.junit;
}
