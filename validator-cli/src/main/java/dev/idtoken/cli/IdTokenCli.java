package dev.idtoken.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code idtoken} command line.
 *
 * <pre>{@code
 * idtoken verify --issuer I --client-id C (--discovery | --jwks-uri U | --jwks FILE)
 *     [--nonce N] [--alg A]... [--at TIME] [--json] TOKEN|-
 * idtoken inspect --insecure [--json] TOKEN|-
 * }</pre>
 *
 * <p>Exit status: {@value #VALID} valid, {@value #INVALID} invalid (every failed check is printed),
 * {@value #KEYS_UNAVAILABLE} keys unavailable, {@value #USAGE} usage error, {@value #INTERNAL}
 * internal error. Nothing printed ever contains the token's signature, a key or a secret.
 */
@Command(
    name = "idtoken",
    mixinStandardHelpOptions = true,
    versionProvider = IdTokenCli.Version.class,
    description = "Verify or decode OpenID Connect ID tokens.",
    subcommands = {VerifyCommand.class, InspectCommand.class},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:valid", "1:invalid (every failed check is printed)", "2:keys unavailable",
      "64:usage error", "70:internal error"})
public final class IdTokenCli implements Runnable {
  /** Exit status of a valid token, or of a successful {@code inspect}. */
  public static final int VALID = 0;
  /** Exit status of an invalid token. */
  public static final int INVALID = 1;
  /** Exit status when the keys could not be obtained: try again later. */
  public static final int KEYS_UNAVAILABLE = 2;
  /** Exit status of a usage error (sysexits.h {@code EX_USAGE}). */
  public static final int USAGE = 64;
  /** Exit status of an internal error (sysexits.h {@code EX_SOFTWARE}). */
  public static final int INTERNAL = 70;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private IdTokenCli() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(run(System.in, System.out, System.err, args));
  }

  /** Runs the command line against the given streams and returns the exit status. */
  static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
    CommandLine cli = new CommandLine(new IdTokenCli());
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    for (CommandLine command : List.of(cli, cli.getSubcommands().get("verify"), cli.getSubcommands().get("inspect"))) {
      command.getCommandSpec().exitCodeOnInvalidInput(USAGE);
      command.getCommandSpec().exitCodeOnExecutionException(INTERNAL);
    }
    // A defect must not print a stack trace that could hold a value from the token.
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("idtoken: internal error (" + e.getClass().getSimpleName() + ")");
      return INTERNAL;
    });
    for (CommandLine sub : cli.getSubcommands().values()) {
      ((Stdin) sub.getCommand()).stdin(in);
    }
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: verify or inspect");
  }

  /** A command that may read the token from standard input. */
  interface Stdin {
    void stdin(InputStream in);
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = IdTokenCli.class.getPackage().getImplementationVersion();
      return new String[] {"idtoken " + (version == null ? "(development build)" : version)};
    }
  }
}
