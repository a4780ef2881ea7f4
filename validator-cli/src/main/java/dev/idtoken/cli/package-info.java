/**
 * The {@code idtoken} command line: {@code verify} checks an ID token against an issuer's keys and
 * reports every failed check; {@code inspect --insecure} decodes one without verifying it. The only
 * public type is the entry point, {@link dev.idtoken.cli.IdTokenCli}.
 */
package dev.idtoken.cli;
