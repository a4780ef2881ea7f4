package dev.idtoken.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.idtoken.validator.ValidationError;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders outcomes as text for a person or as one JSON object for a script. Header members that
 * carry keys or certificates are replaced by a placeholder, so no key is ever printed.
 */
final class Output {
  /** Header members whose values are keys, certificates or key URLs. */
  static final Set<String> KEY_HEADERS = Set.of("jwk", "x5c", "jku", "x5u");
  static final String REDACTED = "(omitted: key material)";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private final PrintWriter out;
  private final boolean json;

  Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  int valid(Map<String, Object> header, Map<String, Object> claims) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("result", "valid");
      doc.put("header", printable(header));
      doc.put("claims", printable(claims));
      print(doc);
    } else {
      out.println("VALID: the signature and every claim check passed.");
      section("header", printable(header));
      section("claims", printable(claims));
    }
    return IdTokenCli.VALID;
  }

  int failure(String result, int status, List<ValidationError> errors, Optional<String> detail) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("result", result);
      List<Map<String, Object>> list = new ArrayList<>();
      for (ValidationError error : errors) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("code", error.code().name());
        error.claimName().ifPresent(claim -> map.put("claim", claim));
        map.put("message", error.code().message());
        list.add(map);
      }
      doc.put("errors", list);
      detail.ifPresent(d -> doc.put("detail", d));
      print(doc);
    } else {
      String heading = switch (result) {
        case "invalid" -> "INVALID: " + errors.size() + (errors.size() == 1 ? " check" : " checks") + " failed";
        case "unavailable" -> "KEYS UNAVAILABLE: the token could not be checked; try again later";
        default -> "FAILED: an internal error stopped the check";
      };
      out.println(heading);
      for (ValidationError error : errors) {
        out.println("  " + error.code().name() + error.claimName().map(c -> " (" + c + ")").orElse("")
            + ": " + error.code().message());
      }
      detail.ifPresent(d -> out.println("  cause: " + d));
    }
    return status;
  }

  int keysUnavailable(String reason) {
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("result", "unavailable");
      doc.put("detail", reason);
      print(doc);
    } else {
      out.println("KEYS UNAVAILABLE: " + reason);
    }
    return IdTokenCli.KEYS_UNAVAILABLE;
  }

  void section(String name, Map<String, Object> values) {
    out.println(name + ":");
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      out.println("  " + entry.getKey() + ": " + text(entry.getValue()));
    }
  }

  void print(Object document) {
    try {
      out.println(MAPPER.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a printable map always serialises", e);
    }
  }

  /** Instants as ISO-8601 text, key-bearing header members replaced. */
  static Map<String, Object> printable(Map<String, Object> values) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      Object value = entry.getValue();
      if (KEY_HEADERS.contains(entry.getKey())) {
        value = REDACTED;
      } else if (value instanceof Instant instant) {
        value = instant.toString();
      }
      map.put(entry.getKey(), value);
    }
    return map;
  }

  private static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return String.valueOf(value);
    }
  }
}
