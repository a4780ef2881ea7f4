/**
 * Test kit for ID token validators: keys ({@link dev.idtoken.testkit.TestKey}), an issuer that
 * mints valid and hostile tokens ({@link dev.idtoken.testkit.TestIssuer}, {@link
 * dev.idtoken.testkit.TokenBuilder}, {@link dev.idtoken.testkit.Hostile}) and a fake OpenID provider
 * on loopback ({@link dev.idtoken.testkit.FakeProvider}). Nothing here depends on JUnit.
 */
package dev.idtoken.testkit;
