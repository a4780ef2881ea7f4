/**
 * The {@code idtoken} command line. Run it as {@code java -jar validator-cli-VERSION-all.jar}, or on
 * the module path as {@code java -p ... -m dev.idtoken.cli}; see {@link dev.idtoken.cli.IdTokenCli}.
 */
module dev.idtoken.cli {
  requires dev.idtoken.jwks;
  requires info.picocli;
  requires com.fasterxml.jackson.databind;

  exports dev.idtoken.cli;
  // picocli sets the annotated option fields reflectively.
  opens dev.idtoken.cli to info.picocli;
}
