package dev.idtoken.validator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The one strict JSON reader of the module: duplicate member names and trailing data are errors. */
final class Json {
  private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(32)
      .maxNumberLength(64)
      .build();

  // Duplicate names are rejected (RFC 7515 §5.2 allows it; RFC 8725 §3.12 lets parsers refuse), so
  // two readers can never see different claims in the same token. Nesting is capped far below
  // Jackson's default to keep hostile payloads cheap.
  static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(CONSTRAINTS)
          .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  // The token path reads with the streaming parser and builds the tree itself: the same limits and
  // the same strictness as MAPPER.readTree, without databind's per-call context, and with duplicate
  // names caught by the tree's own map instead of the parser's DupDetector (a second hash set per
  // object). JsonTest checks both readers agree on every input.
  private static final JsonFactory TOKEN_FACTORY = JsonFactory.builder()
      .streamReadConstraints(CONSTRAINTS)
      .build();
  private static final JsonNodeFactory NODES = MAPPER.getNodeFactory();
  // A root of up to 24 members (an ID token's claims) is read without growing its map.
  private static final int ROOT_CAPACITY = 32;

  private Json() {}

  /** Parses a JSON object, or returns null when the bytes are not exactly one JSON object. */
  static ObjectNode parseObject(byte[] utf8) {
    if (!looksLikeUtf8(utf8)) {
      return null;
    }
    try (JsonParser p = TOKEN_FACTORY.createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      ObjectNode root = readObject(p, ROOT_CAPACITY);
      // Exactly one value: anything after the object, even another value, is refused.
      return root != null && p.nextToken() == null ? root : null;
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
        "nonce", "acr", "amr", "sid", "jti", "at_hash", "c_hash", "s_hash"};

    final byte[] payload;
    private final JsonNode[] values = new JsonNode[NAMES.length];
    private final byte[] order = new byte[NAMES.length]; // indexes into NAMES, in payload order
    private int count;

    Claims(byte[] payload) {
      this.payload = payload;
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

    /** The value of the {@code i}-th kept claim in payload order. */
    JsonNode value(int i) {
      return values[order[i]];
    }

    // False on a repeated name.
    private boolean put(int index, JsonNode value) {
      if (values[index] != null) {
        return false;
      }
      values[index] = value;
      order[count++] = (byte) index;
      return true;
    }
  }

  /**
   * Reads an ID token payload: accepts exactly what {@link #parseObject(byte[])} accepts (JsonTest
   * proves it), but builds nodes only for the protocol claims. The other members' values are read
   * token by token to the same rules (strings fully decoded, duplicate names refused at every depth)
   * and dropped. Returns null when the bytes are not exactly one JSON object.
   */
  static Claims parseClaims(byte[] utf8) {
    if (!looksLikeUtf8(utf8)) {
      return null;
    }
    try (JsonParser p = TOKEN_FACTORY.createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Claims claims = new Claims(utf8);
      Set<String> otherNames = null; // only payloads with other members need a set
      String name;
      while ((name = p.nextFieldName()) != null) {
        int index = Claims.index(name);
        if (index >= 0) {
          JsonNode value = readValue(p, p.nextToken());
          if (value == null || !claims.put(index, value)) {
            return null;
          }
        } else {
          if (otherNames == null) {
            otherNames = new HashSet<>();
          }
          if (!otherNames.add(name) || !skipValue(p, p.nextToken())) {
            return null;
          }
        }
      }
      return p.nextToken() == null ? claims : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Reads a value whose first token was just read, to the rules {@link #readValue} applies, without
   * building it; false on a duplicate name in a nested object. Strings are decoded into the parser's
   * buffer (so malformed UTF-8 and bad escapes fail as they would in {@code getText()}); numbers were
   * checked when tokenised, and every number token converts to a node without error.
   */
  private static boolean skipValue(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Set<String> names = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
          if (names == null) {
            names = new HashSet<>();
          }
          if (!names.add(name) || !skipValue(p, p.nextToken())) {
            return false;
          }
        }
        return true;
      }
      case START_ARRAY: {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (!skipValue(p, t)) {
            return false;
          }
        }
        return true;
      }
      case VALUE_STRING:
        p.getTextLength(); // decodes the whole string, as getText() would, without making a String
        return true;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
      case VALUE_NULL:
        return true;
      default:
        return false; // nothing else can appear as a value in JSON text
    }
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
   * Parses a JOSE header: exactly what {@link #parseObject(byte[])} accepts, but only the members the
   * verifier reads are kept, so no tree is built for the rest. Returns null when the bytes are not
   * exactly one JSON object, or a member name repeats at any depth.
   */
  static Header parseHeader(byte[] utf8) {
    if (!looksLikeUtf8(utf8)) {
      return null;
    }
    try (JsonParser p = TOKEN_FACTORY.createParser(utf8)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Header header = new Header();
      Set<String> otherNames = null; // only headers with members besides these four need a set
      String name;
      while ((name = p.nextFieldName()) != null) {
        // Every value is read in full, also those ignored, so the header is held to the same rules.
        JsonNode value = readValue(p, p.nextToken());
        if (value == null) {
          return null;
        }
        switch (name) {
          case "alg":
            if (header.alg != null) {
              return null;
            }
            header.alg = value;
            break;
          case "kid":
            if (header.kid != null) {
              return null;
            }
            header.kid = value;
            break;
          case "typ":
            if (header.typ != null) {
              return null;
            }
            header.typ = value;
            break;
          case "crit":
            if (header.crit != null) {
              return null;
            }
            header.crit = value;
            break;
          default:
            if (otherNames == null) {
              otherNames = new HashSet<>();
            }
            if (!otherNames.add(name)) {
              return null;
            }
        }
      }
      return p.nextToken() == null ? header : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Parses a JSON object, or returns null when the text is not exactly one JSON object. */
  // JOSE headers and JWT claims are UTF-8 (RFC 7515 §5.1, RFC 7519 §7.1), but Jackson would also
  // detect UTF-16 or UTF-32 from a byte order mark or zero bytes, and then read the same claims from
  // other bytes. JSON text starts with an ASCII character, so a BOM or a zero among the first four
  // bytes means another encoding, which is refused.
  private static boolean looksLikeUtf8(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] < 0) {
      return false;
    }
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      if (bytes[i] == 0) {
        return false;
      }
    }
    return true;
  }

  static ObjectNode parseObject(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Reads the members of an object whose START_OBJECT was just read; null on a duplicate name. */
  private static ObjectNode readObject(JsonParser p, int capacity) throws IOException {
    Map<String, JsonNode> members = new LinkedHashMap<>(capacity);
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonNode value = readValue(p, p.nextToken());
      if (value == null || members.put(name, value) != null) {
        return null;
      }
    }
    return new ObjectNode(NODES, members);
  }

  // The node types are those JsonNodeDeserializer makes for the same tokens under MAPPER's
  // (default) number settings.
  private static JsonNode readValue(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT:
        return readObject(p, 16);
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          JsonNode element = readValue(p, t);
          if (element == null) {
            return null;
          }
          array.add(element);
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        switch (p.getNumberType()) {
          case BIG_DECIMAL:
            return NODES.numberNode(p.getDecimalValue());
          case FLOAT:
            return NODES.numberNode(p.getFloatValue());
          default:
            return NODES.numberNode(p.getDoubleValue());
        }
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.getInstance();
      default:
        return null; // nothing else can appear as a value in JSON text
    }
  }
}
