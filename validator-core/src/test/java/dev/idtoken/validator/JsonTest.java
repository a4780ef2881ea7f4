package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The token path's reader ({@link JsonReader}, behind {@link Json#parseObject(byte[])},
 * {@link Json#parseClaims(byte[])} and {@link Json#parseHeader(byte[])}) must accept exactly what
 * databind's strict {@code readTree} accepts from well-formed UTF-8, and build the same nodes, types
 * included; it refuses every input that is not well-formed UTF-8, some of which databind reads.
 */
class JsonTest {
  private static final String PAYLOAD = "{\"iss\":\"https://login.example.com\",\"sub\":\"110169484474386276334\","
      + "\"aud\":[\"client-app\",\"other\"],\"exp\":1795601211,\"iat\":1795600911.5,\"auth_time\":1795600851,"
      + "\"nonce\":\"n-0S6\\u00e9\\\"x\",\"email_verified\":true,\"x\":false,\"n\":null,"
      + "\"address\":{\"street_address\":\"1 Main St\",\"nested\":{\"a\":[1,2,{\"b\":[]}]}},"
      + "\"big\":123456789012345678901234567890,\"neg\":-0.0,\"exp10\":1e308,\"small\":2.5E-3}";

  private static final String HEADER = "{\"alg\":\"RS256\",\"kid\":\"k-1\",\"typ\":\"JWT\","
      + "\"x5t#S256\":\"abc\",\"n\":[1,{\"a\":true}],\"crit\":null}";

  /**
   * The reference: databind's tree reader with duplicate detection and no trailing tokens, fed only
   * UTF-8 (databind would also detect UTF-16/32 from a BOM or zero bytes, which JOSE forbids and the
   * token reader refuses; see {@link #parseObject_otherEncodings_refused()}).
   */
  private static ObjectNode reference(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] < 0
        || java.util.stream.IntStream.range(0, Math.min(4, bytes.length)).anyMatch(i -> bytes[i] == 0)) {
      return null;
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** The reference's answer where it applies: null for any input that is not well-formed UTF-8. */
  private static ObjectNode expected(byte[] bytes) {
    ObjectNode reference = reference(bytes);
    return reference != null && isWellFormedUtf8(bytes) ? reference : null;
  }

  private static boolean isWellFormedUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  static void assertSameAsReference(byte[] bytes) {
    ObjectNode expected = expected(bytes);
    ObjectNode actual = Json.parseObject(bytes);
    String input = new String(bytes, StandardCharsets.ISO_8859_1);
    assertClaimsSameAsReference(expected, bytes, input);
    if (expected == null) {
      assertNull(actual, () -> "accepted what databind refuses: " + input);
      return;
    }
    assertEquals(expected, actual, () -> "different tree for: " + input);
    assertSameTypes(expected, actual, input);
  }

  /**
   * The payload reader ({@link Json#parseClaims(byte[])}) accepts exactly what the reference accepts
   * (duplicates at any depth refused, though it builds no nodes for other members), keeps the same
   * nodes for the protocol claims and lists them in payload order.
   */
  private static void assertClaimsSameAsReference(ObjectNode expected, byte[] bytes, String input) {
    assertClaimsSameAsReference(expected, bytes, input, Json.parseClaims(bytes));
    // With a validator's issuer and client id as shared nodes, the reader must read the same.
    assertClaimsSameAsReference(expected, bytes, input, Json.parseClaims(bytes, EXPECTED_VALUES));
  }

  private static final JsonReader.ExpectedValues EXPECTED_VALUES =
      new JsonReader.ExpectedValues("https://login.example.com", "client-app", "a", "", "x\\y", "é");

  private static void assertClaimsSameAsReference(ObjectNode expected, byte[] bytes, String input,
      Json.Claims actual) {
    if (expected == null) {
      assertNull(actual, () -> "claims reader accepted what databind refuses: " + input);
      return;
    }
    assertNotNull(actual, () -> "claims reader refused what databind accepts: " + input);
    List<String> expectedOrder = new ArrayList<>();
    expected.fieldNames().forEachRemaining(name -> {
      if (Json.Claims.index(name) >= 0) {
        expectedOrder.add(name);
      }
    });
    List<String> actualOrder = new ArrayList<>();
    for (int i = 0; i < actual.size(); i++) {
      actualOrder.add(actual.name(i));
      assertSame(actual.get(actual.name(i)), actual.value(i), input);
    }
    assertEquals(expectedOrder, actualOrder, () -> "claim order differs in: " + input);
    for (String name : Json.Claims.NAMES) {
      JsonNode e = expected.get(name);
      JsonNode a = actual.get(name);
      assertEquals(e, a, () -> name + " differs in: " + input);
      if (e != null) {
        assertSameTypes(e, a, input);
      }
    }
  }

  /** The header reader accepts exactly what the reference accepts and reads the same members. */
  static void assertHeaderSameAsReference(byte[] bytes) {
    ObjectNode expected = expected(bytes);
    Json.Header actual = Json.parseHeader(bytes);
    String input = new String(bytes, StandardCharsets.ISO_8859_1);
    if (expected == null) {
      assertNull(actual, () -> "header reader accepted what databind refuses: " + input);
      return;
    }
    assertNotNull(actual, () -> "header reader refused what databind accepts: " + input);
    assertEquals(expected.get("alg"), actual.alg, input);
    assertEquals(expected.get("kid"), actual.kid, input);
    assertEquals(expected.get("typ"), actual.typ, input);
    assertEquals(expected.get("crit"), actual.crit, input);
  }

  private static void assertSameTypes(JsonNode expected, JsonNode actual, String input) {
    assertEquals(expected.getClass(), actual.getClass(), () -> "node type differs in: " + input);
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> a = actual.properties().iterator();
      for (Iterator<Map.Entry<String, JsonNode>> e = expected.properties().iterator(); e.hasNext(); ) {
        Map.Entry<String, JsonNode> x = e.next();
        Map.Entry<String, JsonNode> y = a.next();
        assertEquals(x.getKey(), y.getKey(), () -> "member order differs in: " + input);
        assertSameTypes(x.getValue(), y.getValue(), input);
      }
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameTypes(expected.get(i), actual.get(i), input);
      }
    }
  }

  @Test
  void parseObject_edgeCases_agreeWithDatabind() {
    List<String> cases = List.of(PAYLOAD, "{}", "", " ", "[]", "null", "1", "\"s\"", "{} ", " {}\n",
        "{}{}", "{} x", "{}]", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":[{\"c\":1,\"c\":2}]}",
        "{\"a\":1,\"b\":{\"a\":2}}", "{\"iss\":\"a\",\"iss\":\"a\"}", "{\"email\":1,\"email\":1}",
        "{\"iss\":\"a\",\"x\":{\"y\":{\"z\":1,\"z\":1}}}", "{\"x\":[[{\"z\":1}],[{\"z\":1,\"z\":null}]]}",
        "{\"aud\":[{\"z\":1,\"z\":2}]}", "{\"x\":{\"iss\":1},\"iss\":\"a\",\"x2\":{\"x\":1,\"iss\":2}}",
        "{\"x\":[\"\\ud800\",\"\\q\"]}", "{\"x\":{\"a\":\"\\u12\"}}", "{\"exp\":1,\"x\":[1,2,]}", "{\"a\":1,}", "{\"a\":[1,]}", "{a:1}", "{'a':1}", "{\"a\":01}",
        "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}",
        "{\"a\":1e999}", "{\"a\":-1e-999}", "{\"a\":" + "9".repeat(64) + "}", "{\"a\":" + "9".repeat(65) + "}",
        "{\"a\":2147483647,\"b\":2147483648,\"c\":-9223372036854775808,\"d\":9223372036854775808}",
        "{\"a\":1.0,\"b\":1.5e10,\"c\":123456789.123456789}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u00\"}",
        "{\"a\":\"\\x\"}", "{\"a\":\"tab\there\"}", "{\"a\":tru}", "{\"a\":nul}", "{\"\":1}",
        "{\"a\":1}/* c */", "{\"a\":1} // c", "\uFEFF{\"a\":1}", "{\"a\":\"" + "z".repeat(5000) + "\"}",
        "[".repeat(40) + "]".repeat(40), "{\"a\":" + "[".repeat(31) + "]".repeat(31) + "}",
        "{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}", "{\"a\":" + "{\"b\":".repeat(31) + "1" + "}".repeat(32),
        "{\"a\":" + "{\"b\":".repeat(32) + "1" + "}".repeat(33),
        "{\"a\":-" + "9".repeat(64) + "}", "{\"a\":-" + "9".repeat(65) + "}",
        "{\"a\":" + "1".repeat(64) + ".0}", "{\"a\":" + "1".repeat(63) + ".0}",
        "{\"a\":" + "1".repeat(32) + "." + "1".repeat(32) + "}", "{\"a\":" + "1".repeat(33) + "." + "1".repeat(32) + "}",
        "{\"a\":1e" + "1".repeat(63) + "}", "{\"a\":1e" + "1".repeat(64) + "}", "{\"a\":1.5e-" + "0".repeat(62) + "}",
        "{\"a\":-0,\"b\":-0.0,\"c\":0e0,\"d\":0E+1,\"e\":1E-1,\"f\":-2147483648,\"g\":-2147483649}",
        "{\"a\":9223372036854775807,\"b\":-9223372036854775809,\"c\":99999999999999999}",
        "{\"a\":-01}", "{\"a\":+1}", "{\"a\":1.e5}", "{\"a\":1e+}", "{\"a\":--1}", "{\"a\":0x10}",
        "{\"a\":truefalse}", "{\"a\":nulll}", "{\"a\":true,}", "{,\"a\":1}", "{\"a\" 1}", "{\"a\"::1}",
        "{\"a\":1 \"b\":2}", "{\"a\":[1 2]}", "{\"a\":[,1]}", "{\"a\":\"\\u0041\\u00e9\\uD83D\\uDE00\\/\\b\\f\\n\\r\\t\"}",
        "{\"a\":\"\\U0041\"}", "{\"a\":\"\\u004\"}", "{\"a\":\"unterminated}", "{\"a\":\"x\\\"}",
        "{\"\\u0069ss\":\"a\",\"iss\":\"b\"}", "{\"\\u0069ss\":\"a\"}", "{\"n\\u00e9\":1,\"né\":2}",
        "{\"né\":1,\"ne\":2}", "{\"exp\":1,\"ex\\u0070\":2}", "{\"auth_time\":1,\"auth_tim\":2,\"auth_timeX\":3}",
        "\t\r\n {\t\"a\"\r:\n[ 1 , { } , [ ] ]\t}\r\n",
        "{\"\\ud800\":1}", "{\"\\udc00\":1}", "{\"\\ud800x\":1}", "{\"\\ud800\\u0041\":1}", "{\"\\ud800\\ud800\":1}",
        "{\"\\udc00\\ud800\":1}", "{\"\\ud83d\\ude00\":1}", "{\"\\ud83d\\ude00\\udc00\":1}", "{\"\\ud83d😀\":1}",
        "{\"o\":[{\"\\ud800\":1}]}", "{\"iss\":\"a\",\"\\ud800\":1}", "{\"x\\ud83d\\ude00y\":\"\\udc00\\ud800\"}",
        "{\"\\ud800\\", "{\"\\ud800\\u", "{\"\\ud800\\udc0\":1}",
        "{\"" + "n".repeat(50_000) + "\":1}", "{\"" + "n".repeat(50_001) + "\":1}",
        "{\"o\":{\"" + "é".repeat(25_000) + "\":1}}", "{\"o\":{\"" + "é".repeat(25_001) + "\":1}}",
        "{\"" + "\\u006e".repeat(50_000) + "\":1}", "{\"" + "\\u006e".repeat(50_001) + "\":1}",
        "{\"" + "😀".repeat(12_500) + "\":1}", "{\"" + "😀".repeat(12_500) + "n\":1}", "{\"a\":1}\u000b", "{\"a\":1}\u00a0", "\f{}");
    List<String> headers = List.of(HEADER, "{\"alg\":\"RS256\",\"alg\":\"none\"}",
        "{\"alg\":null,\"kid\":7,\"typ\":[\"JWT\"],\"crit\":[]}",
        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"alg\":\"ES256\"}",
        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":1,\"i\":2}",
        "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"a\":2}",
        "{\"jwk\":{\"kty\":\"RSA\",\"kty\":\"EC\"},\"alg\":\"RS256\"}",
        "{\"\\u0061lg\":\"RS256\",\"kid\":\"k\"}", "{\"alg\":\"RS256\",\"\\u0061lg\":\"none\"}",
        "{\"crit\":[\"x\"],\"cri\":1,\"crits\":2,\"al\":3,\"algs\":4,\"Alg\":5}",
        "{\"alg\":\"RS256\",\"x\":1,\"x\":1}", "{\"x\":1,\"\\u0078\":2,\"alg\":\"RS256\"}",
        "{\"x\":{\"y\":1,\"\\u0079\":2}}", "{\"x\":{\"é\":1,\"\\u00e9\":2}}", "{\"x\":{\"ab\":1,\"ba\":2,\"a\":3,\"b\":4}}",
        manyNames(9, "n0"), manyNames(9, "n8"), manyNames(9, "n9"), manyNames(20, "n3"), manyNames(20, "\\u006e19"),
        manyNames(20, null), "{\"x\":" + manyNames(12, "n11") + "}", "{\"x\":[" + manyNames(12, "n2") + "]}");
    for (String c : cases) {
      assertSameAsReference(c.getBytes(StandardCharsets.UTF_8));
      assertHeaderSameAsReference(c.getBytes(StandardCharsets.UTF_8));
    }
    for (String c : headers) {
      assertSameAsReference(c.getBytes(StandardCharsets.UTF_8));
      assertHeaderSameAsReference(c.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** An object of {@code count} distinct members n0, n1, ..., and then {@code repeat} again if not null. */
  private static String manyNames(int count, String repeat) {
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < count; i++) {
      json.append("\"n").append(i).append("\":").append(i).append(',');
    }
    if (repeat != null) {
      json.append('"').append(repeat).append("\":true,");
    }
    return json.append("\"alg\":\"ES256\"}").toString();
  }

  /** A header of thousands of members is read, and a repeat of its first name is found at the end. */
  @Test
  void parseHeader_thousandsOfMembers_repeatFound() {
    String members = manyNames(2000, null);
    assertNotNull(Json.parseHeader(members.getBytes(StandardCharsets.UTF_8)));
    String repeated = manyNames(2000, "n0");
    assertNull(Json.parseHeader(repeated.getBytes(StandardCharsets.UTF_8)));
    assertNull(Json.parseClaims(repeated.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void parseObject_invalidUtf8AndOtherEncodings_agreeWithDatabind() {
    byte[][] cases = {
      {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'},
      {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}'},
      {'{', '"', (byte) 0xE9, '"', ':', '1', '}'},
      {'{', '"', 'a', '"', ':', '"', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, '"', '}'},
      {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
      {0, '{', 0, '}'},
      {'{', 0, '}', 0},
      {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'},
      {'{', '}', 0},
    };
    for (byte[] c : cases) {
      assertSameAsReference(c);
      assertHeaderSameAsReference(c);
    }
  }

  /**
   * Ill-formed UTF-8 (RFC 3629 §3-4) is refused in values, in names and in skipped members, also the
   * overlong forms and encoded surrogates that databind reads as text.
   */
  @Test
  void parseObject_illFormedUtf8_refused() {
    int[][] sequences = {
      {0xC0, 0x80}, {0xC1, 0xBF}, {0xE0, 0x80, 0x80}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80},
      {0xED, 0xBF, 0xBF}, {0xF0, 0x80, 0x80, 0x80}, {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFF}, {0x80}, {0xBF}, {0xC3},
      {0xE2, 0x82}, {0xF0, 0x9F, 0x98}, {0xC3, 0x41}, {0xE2, 0x41, 0xAC}, {0xC3, 0xC3, 0xA9},
    };
    for (int[] sequence : sequences) {
      byte[] bad = new byte[sequence.length];
      for (int i = 0; i < bad.length; i++) {
        bad[i] = (byte) sequence[i];
      }
      for (String template : List.of("{\"a\":\"x%sy\"}", "{\"x%sy\":1}", "{\"email\":[\"x%sy\"]}",
          "{\"sub\":\"x%sy\"}", "{\"kid\":\"x%sy\",\"alg\":\"RS256\"}", "{\"o\":{\"x%sy\":1}}")) {
        String[] parts = template.split("%s");
        byte[] input = concat(parts[0].getBytes(StandardCharsets.US_ASCII), bad,
            parts[1].getBytes(StandardCharsets.US_ASCII));
        String shown = new String(input, StandardCharsets.ISO_8859_1);
        assertNull(Json.parseObject(input), shown);
        assertNull(Json.parseClaims(input), shown);
        assertNull(Json.parseHeader(input), shown);
      }
    }
    // Well-formed boundaries of each form are read.
    String text = "\u0080\u07FF\u0800\uD7FF\uE000\uFFFF\uD800\uDC00\uDBFF\uDFFF";
    ObjectNode read = Json.parseObject(("{\"a\":\"" + text + "\",\"" + text + "\":1}").getBytes(StandardCharsets.UTF_8));
    assertNotNull(read);
    assertEquals(text, read.get("a").textValue());
    assertNotNull(read.get(text));
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }

  @Test
  void parseObject_otherEncodings_refused() {
    for (java.nio.charset.Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
        StandardCharsets.UTF_16, java.nio.charset.Charset.forName("UTF-32"))) {
      byte[] bytes = "{\"alg\":\"RS256\"}".getBytes(charset);
      assertNull(Json.parseObject(bytes), charset::name);
      assertNull(Json.parseHeader(bytes), charset::name);
    }
    byte[] bom = "\uFEFF{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8);
    assertNull(Json.parseObject(bom));
    assertNull(Json.parseHeader(bom));
  }

  /** Random single-byte changes, insertions and deletions of a realistic payload. */
  @Test
  void parseObject_mutatedPayloads_agreeWithDatabind() {
    mutate(PAYLOAD.getBytes(StandardCharsets.UTF_8), 10_000, false);
  }

  /** Random changes of a header with a nested member, read by the header reader. */
  @Test
  void parseHeader_mutatedHeaders_agreeWithDatabind() {
    mutate(HEADER.getBytes(StandardCharsets.UTF_8), 10_000, true);
  }

  /**
   * Random documents from a JSON grammar salted with what readers get wrong: escaped and surrogate
   * names equal to kept ones, duplicates, number forms at the digit and int/long limits, escapes and
   * control characters, deep nesting, missing separators; a quarter get one byte changed.
   */
  @Test
  void parseObject_randomDocuments_agreeWithDatabind() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      byte[] doc = (new RandomJson(random).object(1)).getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(4) == 0) {
        doc[random.nextInt(doc.length)] = (byte) random.nextInt(256);
      }
      assertSameAsReference(doc);
      assertHeaderSameAsReference(doc);
    }
  }

  private static final class RandomJson {
    private static final String[] NAMES = {"iss", "sub", "aud", "exp", "auth_time", "at_hash", "nonce",
        "alg", "kid", "typ", "crit", "a", "", "\\u0069ss", "al\\u0067", "\\u0061", "a", "é", "\\u00e9",
        "\\ud83d\\ude00", "😀", "\\ud800", "\\udc00", "\\ud800x", "x\\ny", "\\/", "\u007f", "Aa", "BB"};
    private static final String[] PIECES = {"a", "é", "€", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\b",
        "\\u0000", "\\u00E9", "\\uD83D\\uDE00", "\\uD800", "\\uDC00", "\\u12", "\\x", "\u007f", "\t", " "};
    private static final String[] NUMBERS = {"0", "-0", "01", "+1", "1.", ".5", "1e", "1e+5", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "1e309", "4.9e-325", "-1.5E-3"};
    private final Random random;

    RandomJson(Random random) {
      this.random = random;
    }

    String object(int depth) {
      StringBuilder json = new StringBuilder("{");
      int members = random.nextInt(depth < 3 ? 6 : 3);
      for (int i = 0; i < members; i++) {
        json.append(i > 0 ? "," : "").append(whitespace()).append(name()).append(':').append(value(depth));
      }
      return json.append(whitespace()).append('}').toString();
    }

    private String value(int depth) {
      switch (random.nextInt(depth > 34 ? 6 : 9)) {
        case 0:
        case 1:
          return number();
        case 2:
        case 3:
          return string();
        case 4:
          return new String[] {"true", "false", "null", "tru", "nulll"}[random.nextInt(random.nextInt(8) == 0 ? 5 : 3)];
        case 5:
          return random.nextBoolean() ? "[]" : "{}";
        case 6:
        case 7:
          return object(depth + 1);
        default: {
          StringBuilder array = new StringBuilder("[");
          int elements = random.nextInt(4);
          for (int i = 0; i < elements; i++) {
            array.append(i > 0 ? "," : "").append(whitespace()).append(value(depth + 1));
          }
          return array.append(']').toString();
        }
      }
    }

    private String name() {
      return random.nextInt(5) == 0 ? string() : '"' + NAMES[random.nextInt(NAMES.length)] + '"';
    }

    private String string() {
      StringBuilder s = new StringBuilder("\"");
      for (int n = random.nextInt(6); n > 0; n--) {
        s.append(PIECES[random.nextInt(PIECES.length)]);
      }
      return s.append('"').toString();
    }

    private String number() {
      if (random.nextInt(4) == 0) {
        return NUMBERS[random.nextInt(NUMBERS.length)];
      }
      StringBuilder n = new StringBuilder(random.nextBoolean() ? "-" : "");
      n.append(1 + random.nextInt(9)).append(digits());
      if (random.nextInt(3) == 0) {
        n.append('.').append(random.nextInt(9)).append(digits());
      }
      if (random.nextInt(3) == 0) {
        n.append(random.nextBoolean() ? "e" : "E+").append(random.nextInt(9)).append(digits());
      }
      return n.toString();
    }

    // Mostly short, sometimes around the 64-digit limit.
    private String digits() {
      int length = random.nextInt(8) == 0 ? 20 + random.nextInt(50) : random.nextInt(4);
      StringBuilder d = new StringBuilder();
      for (int i = 0; i < length; i++) {
        d.append(random.nextInt(10));
      }
      return d.toString();
    }

    private String whitespace() {
      return random.nextInt(4) == 0 ? new String[] {" ", "\n", "\t", "\r", "  "}[random.nextInt(5)] : "";
    }
  }

  private static void mutate(byte[] base, int count, boolean header) {
    byte[] alphabet = "{}[]\":,.-+eE0123456789\\ntrufalsu \t\r\n/xé".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(7);
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = base.clone();
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        int pos = random.nextInt(b.length);
        byte by = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
        switch (random.nextInt(3)) {
          case 0:
            b[pos] = by;
            break;
          case 1: {
            byte[] c = new byte[b.length + 1];
            System.arraycopy(b, 0, c, 0, pos);
            c[pos] = by;
            System.arraycopy(b, pos, c, pos + 1, b.length - pos);
            b = c;
            break;
          }
          default: {
            byte[] c = new byte[b.length - 1];
            System.arraycopy(b, 0, c, 0, pos);
            System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
            b = c;
          }
        }
      }
      inputs.add(b);
    }
    for (byte[] input : inputs) {
      if (header) {
        assertHeaderSameAsReference(input);
      } else {
        assertSameAsReference(input);
      }
    }
  }
}
