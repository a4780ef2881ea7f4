package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allocation-free type check agrees with the conversion the checks then make. */
class NumericDateTest {
  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "1795600911", "1795600911.5", "-0.0", "0.0", "253402300799",
      "253402300800", "253402300799.5", "1e308", "-1e308", "9223372036854775807", "9223372036854775808",
      "123456789012345678901234567890", "\"1795600911\"", "true", "null", "[1]", "{\"a\":1}", "2.5E-3"})
  void isValid_anyNode_agreesWithToInstant(String json) {
    JsonNode node = Json.parseObject("{\"v\":" + json + "}").get("v");
    assertEquals(NumericDate.toInstant(node) != null, NumericDate.isValid(node), json);
  }
}
