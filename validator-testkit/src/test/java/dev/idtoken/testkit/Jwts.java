package dev.idtoken.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Independent decoding of compact JWS for assertions (does not use the kit's own code). */
final class Jwts {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Jwts() {}

  static String[] parts(String jws) {
    String[] parts = jws.split("\\.", -1);
    if (parts.length != 3) {
      throw new AssertionError("not a compact JWS: " + parts.length + " parts");
    }
    return parts;
  }

  static Map<String, Object> header(String jws) {
    return json(decode(parts(jws)[0]));
  }

  static Map<String, Object> payload(String jws) {
    return json(decode(parts(jws)[1]));
  }

  static byte[] signature(String jws) {
    return decode(parts(jws)[2]);
  }

  static byte[] signingInput(String jws) {
    String[] parts = parts(jws);
    return (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] decode(String b64url) {
    if (b64url.contains("=")) {
      throw new AssertionError("base64url must not be padded");
    }
    return Base64.getUrlDecoder().decode(b64url);
  }

  static Map<String, Object> json(byte[] bytes) {
    try {
      return MAPPER.readValue(bytes, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }
}
