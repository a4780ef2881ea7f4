package dev.idtoken.validator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The module's strict JSON: a repeated member name and trailing data are errors. Token headers and
 * payloads are read by {@link JsonReader} from their bytes; JWKS documents, which arrive as text, by
 * {@link #MAPPER}.
 */
final class Json {
  // Duplicate names are rejected (RFC 7515 §5.2 allows it; RFC 8725 §3.12 lets parsers refuse), so
  // two readers can never see different claims in the same token. Nesting and number lengths are
  // capped far below Jackson's defaults to keep hostile input cheap, and names at its default; all
  // three are pinned here because JsonReader applies the same limits.
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(JsonReader.MAX_DEPTH)
              .maxNumberLength(JsonReader.MAX_NUMBER_DIGITS)
              .maxNameLength(JsonReader.MAX_NAME_BYTES)
              .build())
          .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  /**
   * Parses a JSON object from UTF-8, or returns null when the bytes are not exactly one JSON object.
   */
  static ObjectNode parseObject(byte[] utf8) {
    return JsonReader.readObject(utf8);
  }

  /** Parses a JSON object, or returns null when the text is not exactly one JSON object. */
  static ObjectNode parseObject(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The protocol claims of an ID token payload (those {@link ClaimChecks} type-checks and reads), as
   * the nodes {@link #parseObject(byte[])} would build for them, in payload order. Every other member
   * was checked to the same rules but not kept; {@link VerifiedIdToken} builds the full tree from the
   * payload bytes only when asked for one of them.
   */
  static final class Claims {
    /** The claims kept; every other member is validated and skipped. */
    static final String[] NAMES = {"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "auth_time",
        "nonce", "acr", "amr", "sid", "jti", "at_hash", "c_hash", "s_hash", "events"};

    final byte[] payload;
    private final JsonNode[] values; // by index into NAMES
    private final byte[] order; // indexes into NAMES, in payload order
    private final int count;

    Claims(byte[] payload, JsonNode[] values, byte[] order, int count) {
      this.payload = payload;
      this.values = values;
      this.order = order;
      this.count = count;
    }

    /** The index of a kept claim's name in {@link #NAMES}, or -1. */
    static int index(String name) {
      switch (name) {
        case "iss": return 0;
        case "sub": return 1;
        case "aud": return 2;
        case "azp": return 3;
        case "exp": return 4;
        case "iat": return 5;
        case "nbf": return 6;
        case "auth_time": return 7;
        case "nonce": return 8;
        case "acr": return 9;
        case "amr": return 10;
        case "sid": return 11;
        case "jti": return 12;
        case "at_hash": return 13;
        case "c_hash": return 14;
        case "s_hash": return 15;
        case "events": return 16;
        default: return -1;
      }
    }

    /** The value of a kept claim, or null when absent; {@code name} must be one of {@link #NAMES}. */
    JsonNode get(String name) {
      return values[index(name)];
    }

    /** How many kept claims the payload has. */
    int size() {
      return count;
    }

    /** The name of the {@code i}-th kept claim in payload order. */
    String name(int i) {
      return NAMES[order[i]];
    }

    /** The index in {@link #NAMES} of the {@code i}-th kept claim in payload order. */
    int indexAt(int i) {
      return order[i];
    }

    /** The value of the {@code i}-th kept claim in payload order. */
    JsonNode value(int i) {
      return values[order[i]];
    }
  }

  /**
   * Reads an ID token payload: accepts exactly what {@link #parseObject(byte[])} accepts, but builds
   * nodes only for the protocol claims. Returns null when the bytes are not exactly one JSON object.
   */
  static Claims parseClaims(byte[] utf8) {
    return JsonReader.readClaims(utf8);
  }

  /** {@link #parseClaims(byte[])}, sharing the nodes of {@code expected} values (see JsonReader). */
  static Claims parseClaims(byte[] utf8, JsonReader.ExpectedValues expected) {
    return JsonReader.readClaims(utf8, expected);
  }

  /**
   * The members of a JOSE header that the verifier reads. Each is the member's value (of any JSON
   * type), or null when absent.
   */
  static final class Header {
    JsonNode alg;
    JsonNode kid;
    JsonNode typ;
    JsonNode crit;
  }

  /**
   * Parses a JOSE header: accepts exactly what {@link #parseObject(byte[])} accepts, but keeps only
   * the members the verifier reads. Returns null when the bytes are not exactly one JSON object.
   */
  static Header parseHeader(byte[] utf8) {
    return JsonReader.readHeader(utf8);
  }
}
