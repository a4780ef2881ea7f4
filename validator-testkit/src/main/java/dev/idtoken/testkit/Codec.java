package dev.idtoken.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Base64url and JSON helpers shared by the kit. Thread-safe (stateless). */
final class Codec {

  // Configured once, never mutated afterwards: ObjectMapper is then safe to share between threads.
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  private Codec() {}

  static String b64url(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  static byte[] b64urlDecode(String text) {
    return B64URL_DECODER.decode(text);
  }

  static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value is not JSON-mappable: " + e.getOriginalMessage(), e);
    }
  }

  static byte[] jsonBytes(Object value) {
    return json(value).getBytes(StandardCharsets.UTF_8);
  }
}
