package dev.idtoken.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Reads the token argument, or standard input for {@code -}, with a bound on its size. */
final class TokenInput {
  /** Far above any real ID token; a guard against piping a large file by mistake. */
  static final int MAX_BYTES = 1024 * 1024;

  private TokenInput() {}

  static String read(CommandLine line, String argument, InputStream stdin) {
    if (!"-".equals(argument)) {
      return argument.strip();
    }
    try {
      byte[] bytes = stdin.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new CommandLine.ParameterException(line, "standard input is larger than " + MAX_BYTES + " bytes");
      }
      String token = new String(bytes, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new CommandLine.ParameterException(line, "standard input is empty: expected a token");
      }
      return token;
    } catch (IOException e) {
      throw new CommandLine.ParameterException(line, "cannot read standard input");
    }
  }
}
