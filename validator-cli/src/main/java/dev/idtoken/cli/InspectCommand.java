package dev.idtoken.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code idtoken inspect --insecure}: decodes a token's header and payload without checking
 * anything, labelled as such. The signature is never printed, nor any key in the header.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Decode a token's header and payload WITHOUT verifying the signature or any claim.",
      "Requires --insecure, to say that nothing shown can be trusted. The signature and any key in "
          + "the header are never printed."})
final class InspectCommand implements Callable<Integer>, IdTokenCli.Stdin {
  private static final Set<String> TIME_CLAIMS = Set.of("exp", "iat", "nbf", "auth_time", "updated_at");
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--insecure", description = "Confirm that the token is decoded without verification.")
  boolean insecure;

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
    if (!insecure) {
      throw new CommandLine.ParameterException(line,
          "inspect does not verify the token; pass --insecure to confirm, or use verify");
    }
    String raw = TokenInput.read(line, token, stdin);
    Output out = new Output(line.getOut(), json);
    String[] parts = raw.split("\\.", -1);
    if (parts.length == 5) {
      return malformed(out, "ENCRYPTED_TOKEN", "an encrypted token (JWE) cannot be inspected");
    }
    if (parts.length != 3) {
      return malformed(out, "MALFORMED_TOKEN", "not a compact JWS: expected three dot-separated parts");
    }
    Map<String, Object> header;
    Map<String, Object> payload;
    try {
      header = object(parts[0]);
      payload = object(parts[1]);
    } catch (IllegalArgumentException | IOException e) {
      return malformed(out, "MALFORMED_TOKEN", "the header or payload is not base64url-encoded JSON object");
    }
    Map<String, Object> printableHeader = Output.printable(header);
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("verified", false);
      doc.put("header", printableHeader);
      doc.put("payload", payload);
      doc.put("times", times(payload));
      out.print(doc);
    } else {
      line.getOut().println("UNVERIFIED: decoded without checking the signature or any claim. "
          + "Do not trust these values; use 'idtoken verify'.");
      out.section("header", printableHeader);
      out.section("payload", payload);
      Map<String, Object> times = times(payload);
      if (!times.isEmpty()) {
        out.section("times (UTC)", times);
      }
    }
    return IdTokenCli.VALID;
  }

  private int malformed(Output out, String code, String message) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("verified", false);
      doc.put("error", Map.of("code", code, "message", message));
      out.print(doc);
    } else {
      spec.commandLine().getOut().println("MALFORMED: " + code + ": " + message);
    }
    return IdTokenCli.INVALID;
  }

  private static Map<String, Object> object(String segment) throws IOException {
    byte[] bytes = Base64.getUrlDecoder().decode(segment);
    JsonNode node = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.convertValue(node, LinkedHashMap.class);
    return map;
  }

  /** The numeric time claims as readable instants. */
  private static Map<String, Object> times(Map<String, Object> payload) {
    Map<String, Object> times = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : payload.entrySet()) {
      if (TIME_CLAIMS.contains(entry.getKey()) && entry.getValue() instanceof Number n) {
        try {
          times.put(entry.getKey(), Instant.ofEpochSecond(n.longValue()).toString());
        } catch (java.time.DateTimeException e) {
          times.put(entry.getKey(), "(out of range)");
        }
      }
    }
    return times;
  }
}
