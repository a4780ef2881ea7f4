package dev.idtoken.cli;

import dev.idtoken.jwks.KeySourceHealth;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySet;
import dev.idtoken.validator.KeySetException;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code idtoken verify}: validates a token as the library would, reporting every failed check. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify an ID token: signature, issuer, audience, times and nonce (OpenID Connect Core 1.0 "
          + "§3.1.3.7). Prints every failed claim check; a bad signature or structure stops at once.",
      "The token's signature, keys and secrets are never printed."})
final class VerifyCommand implements java.util.concurrent.Callable<Integer>, IdTokenCli.Stdin {
  /** How long a remote key source may take to load the keys. */
  private static final Duration REMOTE_WAIT = Duration.ofSeconds(10);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--issuer", required = true, paramLabel = "ISSUER",
      description = "The expected issuer (iss), exactly.")
  String issuer;

  @Option(names = "--client-id", required = true, paramLabel = "CLIENT_ID",
      description = "This client's id, expected in the audience (aud).")
  String clientId;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Keys (one of):%n")
  Keys keys;

  static final class Keys {
    @Option(names = "--discovery",
        description = "Find the JWKS through the issuer's OpenID Connect Discovery document.")
    boolean discovery;

    @Option(names = "--jwks-uri", paramLabel = "URI", description = "Fetch the JWKS from this HTTPS URI.")
    URI jwksUri;

    @Option(names = "--jwks", paramLabel = "FILE", description = "Read the JWKS from a file (works offline).")
    Path jwksFile;
  }

  @Option(names = "--nonce", paramLabel = "NONCE", description = "The nonce the token must carry.")
  String nonce;

  @Option(names = "--alg", paramLabel = "ALG", split = ",",
      description = "Allowed signing algorithms (repeatable or comma-separated; default RS256).")
  List<String> algorithms = new ArrayList<>();

  @Option(names = "--at", paramLabel = "TIME", converter = InstantConverter.class,
      description = "Check the times as of this instant (ISO-8601, e.g. 2026-01-31T12:00:00Z, "
          + "or seconds since the epoch) instead of now.")
  Instant at;

  @Option(names = "--client-secret-env", paramLabel = "VAR",
      description = "Read the client secret for HS256/384/512 from this environment variable "
          + "(never from the command line, where other users could see it).")
  String clientSecretEnv;

  @Option(names = "--insecure-loopback-http",
      description = "Allow plain http:// key URIs on 127.0.0.1/localhost (for local test providers).")
  boolean loopbackHttp;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Parameters(index = "0", paramLabel = "TOKEN|-", description = "The token, or - to read it from standard input.")
  String token;

  private InputStream stdin = InputStream.nullInputStream();

  @Override
  public void stdin(InputStream in) {
    this.stdin = in;
  }

  @Override
  public Integer call() {
    CommandLine line = spec.commandLine();
    String raw = TokenInput.read(line, token, stdin);
    Output out = new Output(line.getOut(), json);

    KeySource keySource;
    RemoteKeySource remote = null;
    if (keys.jwksFile != null) {
      try {
        keySource = KeySet.fromFile(keys.jwksFile);
      } catch (IOException e) {
        return out.keysUnavailable("cannot read the JWKS file " + keys.jwksFile);
      } catch (KeySetException e) {
        return out.keysUnavailable("the JWKS file is not usable: " + e.reason());
      }
    } else {
      remote = remoteKeySource(line);
      keySource = remote;
    }
    try {
      IdTokenValidator validator = validator(line, keySource);
      Expectations expectations = nonce == null ? Expectations.none() : Expectations.nonce(nonce);
      ValidationResult result = validator.validate(raw, expectations);
      return report(out, result, remote);
    } finally {
      if (remote != null) {
        remote.close();
      }
    }
  }

  private RemoteKeySource remoteKeySource(CommandLine line) {
    try {
      RemoteKeySource.Builder builder = RemoteKeySource.builder().maxWait(REMOTE_WAIT);
      if (keys.discovery) {
        builder.discovery(issuer);
      } else {
        builder.jwksUri(keys.jwksUri);
      }
      if (loopbackHttp) {
        builder.allowInsecureLoopbackHttp();
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CommandLine.ParameterException(line, "keys: " + e.getMessage());
    }
  }

  private IdTokenValidator validator(CommandLine line, KeySource keySource) {
    try {
      IdTokenValidator.Builder builder = IdTokenValidator.builder()
          .issuer(issuer)
          .clientId(clientId)
          .keySource(keySource);
      if (!algorithms.isEmpty()) {
        List<JwsAlgorithm> allowed = new ArrayList<>();
        for (String name : algorithms) {
          allowed.add(JwsAlgorithm.fromName(name));
        }
        builder.allowedAlgorithms(allowed);
      }
      if (at != null) {
        builder.clock(Clock.fixed(at, ZoneOffset.UTC));
      }
      if (clientSecretEnv != null) {
        String secret = System.getenv(clientSecretEnv);
        if (secret == null || secret.isEmpty()) {
          throw new CommandLine.ParameterException(line,
              "--client-secret-env: the environment variable " + clientSecretEnv + " is not set");
        }
        builder.clientSecret(secret);
      }
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The builder's messages name the option and quote no secret.
      throw new CommandLine.ParameterException(line, e.getMessage());
    }
  }

  private static int report(Output out, ValidationResult result, RemoteKeySource remote) {
    if (result instanceof ValidationResult.Valid valid) {
      return out.valid(valid.token().header(), valid.token().claimsWithInstants());
    }
    if (result instanceof ValidationResult.Invalid invalid) {
      return out.failure("invalid", IdTokenCli.INVALID, invalid.errors(), Optional.empty());
    }
    if (result instanceof ValidationResult.Unavailable unavailable) {
      Optional<String> detail = Optional.ofNullable(remote).map(RemoteKeySource::health)
          .flatMap(KeySourceHealth::lastError);
      return out.failure("unavailable", IdTokenCli.KEYS_UNAVAILABLE, List.of(unavailable.error()), detail);
    }
    ValidationResult.Failed failed = (ValidationResult.Failed) result;
    return out.failure("failed", IdTokenCli.INTERNAL, List.of(failed.error()), Optional.empty());
  }

  /** ISO-8601 instants and epoch seconds. */
  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        if (value.matches("-?\\d{1,12}")) {
          return Instant.ofEpochSecond(Long.parseLong(value));
        }
        return Instant.parse(value);
      } catch (DateTimeParseException | NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "expected an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch seconds");
      }
    }
  }
}
