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

/** The one strict JSON reader of the module: duplicate member names and trailing data are errors. */
final class Json {
  // Duplicate names are rejected (RFC 7515 §5.2 allows it; RFC 8725 §3.12 lets parsers refuse), so
  // two readers can never see different claims in the same token. Nesting is capped far below
  // Jackson's default to keep hostile payloads cheap.
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(32)
              .maxNumberLength(64)
              .build())
          .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  /** Parses a JSON object, or returns null when the bytes are not exactly one JSON object. */
  static ObjectNode parseObject(byte[] utf8) {
    try {
      JsonNode node = MAPPER.readTree(utf8);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
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
}
