package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token path's JSON reader: reads a JOSE header or an ID token payload straight from its bytes,
 * to the rules of {@link Json#MAPPER}'s strict tree reader (RFC 8259; a repeated member name at any
 * depth, trailing data, more than {@value #MAX_DEPTH} levels of nesting, a number of more than
 * {@value #MAX_NUMBER_DIGITS} digits or a name of more than {@value #MAX_NAME_BYTES} bytes are
 * errors), and stricter in two respects: the text must be well-formed UTF-8 (RFC 3629), where
 * Jackson lets overlong forms and encoded surrogates through, so two byte strings never read as the
 * same text; and it must be UTF-8 at all: a byte order mark or a NUL outside a string, from which
 * Jackson would detect UTF-16 or UTF-32, is an error like any other stray byte.
 *
 * <p>Nodes are built only for the members a caller keeps; every other value is checked to the same
 * rules and skipped. Strings without escapes become {@code String}s by one copy; names are matched
 * against the kept ones from their bytes. It exists because Jackson's parser set-up and name
 * canonicalisation cost more than the whole read of a 50-byte header. {@code JsonTest} holds it to
 * databind's {@code readTree} on hand-written, mutated and random documents. Reading and skipping
 * are separate paths ({@link #value()}, {@link #skipValue()}) so that skipping builds nothing; the
 * test covers both.
 *
 * <p>Not thread-safe; one instance reads one document.
 */
final class JsonReader {
  /** Deepest nesting accepted, the root object being level 1; as {@code Json.MAPPER}'s limit. */
  static final int MAX_DEPTH = 32;
  /**
   * Most digits in a number: of an integer, its digits; of a number with a fraction or exponent,
   * the digits of all three parts together. These are the lengths Jackson's {@code
   * StreamReadConstraints.maxNumberLength} bounds.
   */
  static final int MAX_NUMBER_DIGITS = 64;
  /** Longest member name, in UTF-8 bytes of the decoded name; as {@code Json.MAPPER}'s limit. */
  static final int MAX_NAME_BYTES = 50_000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  // What a byte is inside a string.
  private static final byte PLAIN = 0;
  private static final byte QUOTE = 1;
  private static final byte BACKSLASH = 2;
  private static final byte CONTROL = 3; // must be escaped (RFC 8259 §7)
  private static final byte NON_ASCII = 4;
  private static final byte[] IN_STRING = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      IN_STRING[c] = c < 0x20 ? CONTROL : c >= 0x80 ? NON_ASCII : PLAIN;
    }
    IN_STRING['"'] = QUOTE;
    IN_STRING['\\'] = BACKSLASH;
  }

  // The header members the verifier reads.
  private static final String[] HEADER_NAMES = {"alg", "kid", "typ", "crit"};
  // The values alg and typ nearly always have, as shared nodes, so a header costs no string for them.
  private static final JsonNode[] KNOWN_HEADER_NODES = knownHeaderNodes();
  private static final byte[][] KNOWN_HEADER_VALUES = knownHeaderValues();

  private static JsonNode[] knownHeaderNodes() {
    JwsAlgorithm[] algs = JwsAlgorithm.values();
    JsonNode[] nodes = new JsonNode[algs.length + 1];
    for (int i = 0; i < algs.length; i++) {
      nodes[i] = JsonNodeFactory.instance.textNode(algs[i].jwsName());
    }
    nodes[algs.length] = JsonNodeFactory.instance.textNode("JWT");
    return nodes;
  }

  private static byte[][] knownHeaderValues() {
    byte[][] values = new byte[KNOWN_HEADER_NODES.length][];
    for (int i = 0; i < values.length; i++) {
      values[i] = KNOWN_HEADER_NODES[i].textValue().getBytes(StandardCharsets.US_ASCII);
    }
    return values;
  }

  // The kept claims' names as bytes, indexed as Json.Claims.NAMES.
  private static final byte[][] CLAIM_NAMES = new byte[Json.Claims.NAMES.length][];

  static {
    for (int i = 0; i < CLAIM_NAMES.length; i++) {
      CLAIM_NAMES[i] = Json.Claims.NAMES[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Unwinds the read at the first error; carries nothing, so one instance serves all. */
  private static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed() {
      super(null, null, false, false);
    }
  }

  private static final Malformed MALFORMED = new Malformed();

  private final byte[] b;
  private int pos;
  private int depth;
  private ExpectedValues expected; // null: no shared claim values
  // The name last read by readName: its bytes b[nameStart, nameEnd) between the quotes, and its text
  // when that is not those bytes one for one (an escape or a non-ASCII character), else null.
  private int nameStart;
  private int nameEnd;
  private String nameText;

  private JsonReader(byte[] b) {
    this.b = b;
  }

  /** The whole object as a tree, or null when the bytes are not exactly one JSON object. */
  static ObjectNode readObject(byte[] utf8) {
    JsonReader r = new JsonReader(utf8);
    try {
      r.beginRoot();
      ObjectNode root = r.objectAfterBrace();
      r.endRoot();
      return root;
    } catch (Malformed | RuntimeException e) {
      // RuntimeException: none is known to occur (JsonTest, fuzzing), but were one to, the input is
      // refused rather than the request thread crashed. The same holds for the readers below.
      return null;
    }
  }

  /**
   * The protocol claims of a payload ({@link Json.Claims#NAMES}), or null when the bytes are not
   * exactly one JSON object.
   */
  static Json.Claims readClaims(byte[] utf8) {
    return readClaims(utf8, null);
  }

  /**
   * {@link #readClaims(byte[])}, where an {@code iss}, {@code aud} or {@code azp} string equal to one
   * of {@code expected}'s values (the validator's issuer and client id, which most tokens repeat)
   * becomes that shared node instead of a new string.
   */
  static Json.Claims readClaims(byte[] utf8, ExpectedValues expected) {
    JsonNode[] values = new JsonNode[Json.Claims.NAMES.length];
    byte[] order = new byte[values.length];
    JsonReader r = new JsonReader(utf8);
    r.expected = expected;
    try {
      int count = r.readRoot(false, values, order);
      return new Json.Claims(utf8, values, order, count);
    } catch (Malformed | RuntimeException e) {
      return null;
    }
  }

  /**
   * The members of a JOSE header the verifier reads, or null when the bytes are not exactly one JSON
   * object.
   */
  static Json.Header readHeader(byte[] utf8) {
    JsonNode[] values = new JsonNode[HEADER_NAMES.length];
    JsonReader r = new JsonReader(utf8);
    try {
      r.readRoot(true, values, null);
    } catch (Malformed | RuntimeException e) {
      return null;
    }
    Json.Header header = new Json.Header();
    header.alg = values[0];
    header.kid = values[1];
    header.typ = values[2];
    header.crit = values[3];
    return header;
  }

  /**
   * Reads the root object, keeping the values of the header's or the payload's kept members in
   * {@code values} by their index and, unless {@code order} is null, listing those indexes in it as
   * they come; every other member is read in full to the same rules and skipped. Returns how many
   * were kept.
   */
  private int readRoot(boolean header, JsonNode[] values, byte[] order) throws Malformed {
    beginRoot();
    int count = 0;
    if (!empty('}')) {
      Names others = null; // only objects with other members need it
      do {
        readName();
        int index = header
            ? (nameText == null ? headerIndex() : headerIndex(nameText))
            : (nameText == null ? claimIndex() : Json.Claims.index(nameText));
        if (index >= 0) {
          if (values[index] != null) {
            throw MALFORMED;
          }
          values[index] = header && (index == 0 || index == 2) ? knownValueOrValue(KNOWN_HEADER_NODES, KNOWN_HEADER_VALUES)
              : !header && expected != null && index <= 3 && index != 1
              ? knownValueOrValue(expected.nodes, expected.bytes) : value();
          if (order != null) {
            order[count] = (byte) index;
          }
          count++;
        } else {
          if (others == null) {
            others = new Names();
          }
          others.add();
          skipValue();
        }
      } while (more('}'));
    }
    endRoot();
    return count;
  }

  /**
   * The shared node of a known plain-ASCII string when the value is exactly that string in quotes
   * (byte for byte, no escapes, so exactly what {@link #value()} would read), else {@link #value()}.
   */
  private JsonNode knownValueOrValue(JsonNode[] nodes, byte[][] known) throws Malformed {
    skipWhitespace();
    byte[] b = this.b;
    int start = pos + 1;
    if (pos < b.length && b[pos] == '"') {
      for (int k = 0; k < known.length; k++) {
        int end = start + known[k].length;
        if (end < b.length && b[end] == '"' && Arrays.equals(b, start, end, known[k], 0, known[k].length)) {
          pos = end + 1;
          return nodes[k];
        }
      }
    }
    return value();
  }

  /**
   * Strings a validator expects in {@code iss}, {@code aud} and {@code azp}, as shared nodes. Only
   * plain printable ASCII values are kept, so a match byte for byte is the same string JSON would
   * decode (an escaped or non-ASCII spelling is simply read as usual).
   */
  static final class ExpectedValues {
    final JsonNode[] nodes;
    final byte[][] bytes;

    ExpectedValues(String... values) {
      List<String> plain = new ArrayList<>();
      for (String v : values) {
        if (v.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\') && !plain.contains(v)) {
          plain.add(v);
        }
      }
      nodes = new JsonNode[plain.size()];
      bytes = new byte[plain.size()][];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = NODES.textNode(plain.get(i));
        bytes[i] = plain.get(i).getBytes(StandardCharsets.US_ASCII);
      }
    }
  }

  // ---- structure

  private void beginRoot() throws Malformed {
    skipWhitespace();
    if (next() != '{') {
      throw MALFORMED;
    }
    depth = 1;
  }

  private void endRoot() throws Malformed {
    skipWhitespace();
    if (pos != b.length) {
      throw MALFORMED;
    }
  }

  private void enter() throws Malformed {
    if (++depth > MAX_DEPTH) {
      throw MALFORMED;
    }
  }

  /** After a '{' or '[': true, with {@code close} consumed, when the object or array is empty. */
  private boolean empty(char close) {
    skipWhitespace();
    if (pos < b.length && b[pos] == close) {
      pos++;
      return true;
    }
    return false;
  }

  /** After a member or element: true when a ',' follows, false when {@code close} does. */
  private boolean more(char close) throws Malformed {
    skipWhitespace();
    byte c = next();
    if (c == ',') {
      return true;
    }
    if (c != close) {
      throw MALFORMED;
    }
    return false;
  }

  /** Reads a member's name and its ':' into nameStart, nameEnd and nameText. */
  private void readName() throws Malformed {
    skipWhitespace();
    if (next() != '"') {
      throw MALFORMED;
    }
    int start = pos;
    int i = plainRun(start);
    nameStart = start;
    if (b[i] == '"') {
      nameText = null;
      nameEnd = i;
      pos = i + 1;
      if (i - start > MAX_NAME_BYTES) {
        throw MALFORMED;
      }
    } else {
      nameText = stringRest(start, i, true, true);
      nameEnd = pos - 1;
      if (utf8Length(nameText) > MAX_NAME_BYTES) {
        throw MALFORMED;
      }
    }
    skipWhitespace();
    if (next() != ':') {
      throw MALFORMED;
    }
  }

  /**
   * The names of one object's members that are not kept, to refuse a repeated one. The first few,
   * when plain ASCII, are compared byte for byte, which for the handful of names an object has costs
   * less than hashing Strings; past that, or from the first name with an escape or a non-ASCII
   * character, every name goes into a hash set, whose cost stays linear however many names a
   * hostile document has.
   */
  private final class Names {
    private static final int COMPARED = 8;
    private final int[] spans = new int[2 * COMPARED]; // start and end of each name's bytes
    private int count;
    private Set<String> set; // once in use, holds every name so far

    /** Adds the name last read by {@link #readName()}; a repeat is malformed. */
    void add() throws Malformed {
      if (set == null && nameText == null && count < COMPARED) {
        int length = nameEnd - nameStart;
        for (int k = 0; k < 2 * count; k += 2) {
          if (spans[k + 1] - spans[k] == length
              && Arrays.equals(b, spans[k], spans[k + 1], b, nameStart, nameEnd)) {
            throw MALFORMED;
          }
        }
        spans[2 * count] = nameStart;
        spans[2 * count + 1] = nameEnd;
        count++;
        return;
      }
      if (set == null) {
        set = new HashSet<>();
        for (int k = 0; k < 2 * count; k += 2) {
          set.add(ascii(spans[k], spans[k + 1]));
        }
      }
      if (!set.add(name())) {
        throw MALFORMED;
      }
    }
  }

  // The length of a name's UTF-8 encoding. It has no lone surrogates (see escape), so each pair
  // counts four bytes, as Jackson counts it.
  private static int utf8Length(String text) {
    int length = 0;
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      length += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return length;
  }

  /** The name last read, as a String. */
  private String name() {
    return nameText != null ? nameText : ascii(nameStart, nameEnd);
  }

  /** The index in {@link #HEADER_NAMES} of a name, or -1. */
  private static int headerIndex(String name) {
    for (int i = 0; i < HEADER_NAMES.length; i++) {
      if (HEADER_NAMES[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The index in {@link #HEADER_NAMES} of the name last read when it is plain ASCII, or -1. */
  private int headerIndex() {
    int start = nameStart;
    switch (nameEnd - start) {
      case 3:
        switch ((b[start] << 16) | (b[start + 1] << 8) | b[start + 2]) {
          case 'a' << 16 | 'l' << 8 | 'g': return 0;
          case 'k' << 16 | 'i' << 8 | 'd': return 1;
          case 't' << 16 | 'y' << 8 | 'p': return 2;
          default: return -1;
        }
      case 4:
        return b[start] == 'c' && b[start + 1] == 'r' && b[start + 2] == 'i' && b[start + 3] == 't' ? 3 : -1;
      default:
        return -1;
    }
  }

  /** The index in {@link Json.Claims#NAMES} of the name last read when it is plain ASCII, or -1. */
  private int claimIndex() {
    int start = nameStart;
    int length = nameEnd - start;
    if (length == 3) { // eleven of the seventeen: one comparison of three bytes instead of eleven
      switch ((b[start] << 16) | (b[start + 1] << 8) | b[start + 2]) {
        case 'i' << 16 | 's' << 8 | 's': return 0;
        case 's' << 16 | 'u' << 8 | 'b': return 1;
        case 'a' << 16 | 'u' << 8 | 'd': return 2;
        case 'a' << 16 | 'z' << 8 | 'p': return 3;
        case 'e' << 16 | 'x' << 8 | 'p': return 4;
        case 'i' << 16 | 'a' << 8 | 't': return 5;
        case 'n' << 16 | 'b' << 8 | 'f': return 6;
        case 'a' << 16 | 'c' << 8 | 'r': return 9;
        case 'a' << 16 | 'm' << 8 | 'r': return 10;
        case 's' << 16 | 'i' << 8 | 'd': return 11;
        case 'j' << 16 | 't' << 8 | 'i': return 12;
        default: return -1;
      }
    }
    for (int i = 0; i < CLAIM_NAMES.length; i++) {
      byte[] name = CLAIM_NAMES[i];
      if (name.length == length && Arrays.equals(b, start, nameEnd, name, 0, length)) {
        return i;
      }
    }
    return -1;
  }

  // ---- values

  /** Reads a value and builds its node, typed as databind's tree reader types it. */
  private JsonNode value() throws Malformed {
    skipWhitespace();
    byte c = next();
    switch (c) {
      case '{':
        enter();
        ObjectNode object = objectAfterBrace();
        depth--;
        return object;
      case '[':
        return arrayAfterBracket();
      case '"':
        return NODES.textNode(stringAfterQuote());
      case 't':
        literal(RUE);
        return BooleanNode.TRUE;
      case 'f':
        literal(ALSE);
        return BooleanNode.FALSE;
      case 'n':
        literal(ULL);
        return NullNode.getInstance();
      default:
        return number(pos - 1, true);
    }
  }

  /** Reads a value to the same rules as {@link #value()} without building anything. */
  private void skipValue() throws Malformed {
    skipWhitespace();
    byte c = next();
    switch (c) {
      case '{': {
        enter();
        if (!empty('}')) {
          Names names = new Names();
          do {
            readName();
            names.add();
            skipValue();
          } while (more('}'));
        }
        depth--;
        return;
      }
      case '[':
        enter();
        if (!empty(']')) {
          do {
            skipValue();
          } while (more(']'));
        }
        depth--;
        return;
      case '"': {
        int i = plainRun(pos);
        if (b[i] == '"') {
          pos = i + 1;
        } else {
          stringRest(pos, i, false, false);
        }
        return;
      }
      case 't':
        literal(RUE);
        return;
      case 'f':
        literal(ALSE);
        return;
      case 'n':
        literal(ULL);
        return;
      default:
        number(pos - 1, false);
    }
  }

  /** The members of an object whose '{' was read (and counted in depth). */
  private ObjectNode objectAfterBrace() throws Malformed {
    Map<String, JsonNode> members = new LinkedHashMap<>();
    if (!empty('}')) {
      do {
        readName();
        if (members.put(name(), value()) != null) {
          throw MALFORMED;
        }
      } while (more('}'));
    }
    return new ObjectNode(NODES, members);
  }

  private ArrayNode arrayAfterBracket() throws Malformed {
    enter();
    ArrayNode array = NODES.arrayNode();
    if (!empty(']')) {
      do {
        array.add(value());
      } while (more(']'));
    }
    depth--;
    return array;
  }

  // The rest of true, false and null after their first byte.
  private static final byte[] RUE = {'r', 'u', 'e'};
  private static final byte[] ALSE = {'a', 'l', 's', 'e'};
  private static final byte[] ULL = {'u', 'l', 'l'};

  private void literal(byte[] rest) throws Malformed {
    if (pos + rest.length > b.length || !Arrays.equals(b, pos, pos + rest.length, rest, 0, rest.length)) {
      throw MALFORMED;
    }
    pos += rest.length;
  }

  /**
   * A number starting at {@code b[start]} (RFC 8259 §6: no leading zeros, no '+', digits on both
   * sides of a '.'), as databind types it: an integer as IntNode, LongNode or BigIntegerNode by
   * magnitude, anything with a fraction or an exponent as DoubleNode. Null when not built.
   */
  private JsonNode number(int start, boolean build) throws Malformed {
    int i = start;
    if (b[i] == '-') {
      i++;
    }
    int intStart = i;
    if (i < b.length && b[i] == '0') {
      i++; // a digit after it is caught by the caller as a missing separator, as "01" should be
    } else {
      i = digits(i);
    }
    int intDigits = i - intStart;
    if (intDigits == 0) {
      throw MALFORMED; // also every byte that cannot start a value
    }
    int fractionDigits = 0;
    int exponentDigits = 0;
    boolean integer = true;
    if (i < b.length && b[i] == '.') {
      integer = false;
      int from = ++i;
      i = digits(i);
      fractionDigits = i - from;
      if (fractionDigits == 0) {
        throw MALFORMED;
      }
    }
    if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
      integer = false;
      i++;
      if (i < b.length && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int from = i;
      i = digits(i);
      exponentDigits = i - from;
      if (exponentDigits == 0) {
        throw MALFORMED;
      }
    }
    if ((integer ? intDigits : intDigits + fractionDigits + exponentDigits) > MAX_NUMBER_DIGITS) {
      throw MALFORMED;
    }
    pos = i;
    if (!build) {
      return null;
    }
    if (!integer) {
      return NODES.numberNode(Double.parseDouble(ascii(start, i)));
    }
    if (intDigits <= 18) {
      long value = 0;
      for (int k = intStart; k < i; k++) {
        value = value * 10 + (b[k] - '0');
      }
      if (intStart != start) {
        value = -value;
      }
      return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }
    BigInteger value = new BigInteger(ascii(start, i));
    return value.bitLength() < Long.SIZE ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
  }

  private int digits(int i) {
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }

  // ---- strings

  /** A string value whose opening quote was read; pos ends after the closing quote. */
  private String stringAfterQuote() throws Malformed {
    int start = pos;
    int i = plainRun(start);
    if (b[i] == '"') {
      pos = i + 1;
      return ascii(start, i);
    }
    return stringRest(start, i, true, false);
  }

  /** The index of the first byte from {@code i} on that is not a plain ASCII string character. */
  private int plainRun(int i) throws Malformed {
    byte[] b = this.b;
    while (i < b.length && IN_STRING[b[i] & 0xff] == PLAIN) {
      i++;
    }
    if (i == b.length) {
      throw MALFORMED; // unterminated
    }
    return i;
  }

  /**
   * The rest of a string that began at {@code start} and has plain characters up to {@code i}: its
   * text when {@code build}, else null after checking it; pos ends after the closing quote. A member
   * name ({@code name}) is held to the stricter rule for surrogate escapes (see escape).
   */
  private String stringRest(int start, int i, boolean build, boolean name) throws Malformed {
    StringBuilder text = build ? new StringBuilder(i - start + 16).append(ascii(start, i)) : null;
    while (true) {
      if (i >= b.length) {
        throw MALFORMED;
      }
      int c = b[i] & 0xff;
      switch (IN_STRING[c]) {
        case PLAIN:
          if (text != null) {
            text.append((char) c);
          }
          i++;
          break;
        case QUOTE:
          pos = i + 1;
          return text == null ? null : text.toString();
        case BACKSLASH:
          i = escape(i + 1, text, name);
          break;
        case NON_ASCII:
          i = utf8(i, text);
          break;
        default:
          throw MALFORMED; // an unescaped control character
      }
    }
  }

  /**
   * The escape whose backslash precedes {@code b[i]} (RFC 8259 §7); returns the index after it. A
   * {@code \\u} escape of a lone surrogate is kept in a value as the code unit it names, as databind
   * keeps it (RFC 8259 §8.2 lets it through the grammar, and no checked claim can hold one and still
   * match); in a member name, as databind has it, a high surrogate must be followed at once by the
   * escape of a low one, and a low one alone is refused.
   */
  private int escape(int i, StringBuilder text, boolean name) throws Malformed {
    if (i >= b.length) {
      throw MALFORMED;
    }
    char c;
    switch (b[i]) {
      case '"': c = '"'; break;
      case '\\': c = '\\'; break;
      case '/': c = '/'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u': {
        c = hex4(i + 1);
        i += 4;
        if (name && Character.isSurrogate(c)) {
          if (!Character.isHighSurrogate(c) || i + 2 >= b.length || b[i + 1] != '\\' || b[i + 2] != 'u') {
            throw MALFORMED;
          }
          char low = hex4(i + 3);
          if (!Character.isLowSurrogate(low)) {
            throw MALFORMED;
          }
          if (text != null) {
            text.append(c);
          }
          c = low;
          i += 6;
        }
        break;
      }
      default:
        throw MALFORMED;
    }
    if (text != null) {
      text.append(c);
    }
    return i + 1;
  }

  /** The code unit named by the four hex digits at {@code b[i]}. */
  private char hex4(int i) throws Malformed {
    if (i + 3 >= b.length) {
      throw MALFORMED;
    }
    int value = 0;
    for (int k = i; k < i + 4; k++) {
      int digit = Character.digit(b[k], 16);
      if (digit < 0) {
        throw MALFORMED;
      }
      value = value << 4 | digit;
    }
    return (char) value;
  }

  /**
   * The well-formed UTF-8 sequence (RFC 3629 §4) that starts at {@code b[i]}; returns the index
   * after it. Overlong forms, surrogates and code points above U+10FFFF are errors.
   */
  private int utf8(int i, StringBuilder text) throws Malformed {
    int lead = b[i] & 0xff;
    int count;
    int min = 0x80; // the range of the first continuation byte, which the lead byte narrows
    int max = 0xBF;
    int codePoint;
    if (lead >= 0xC2 && lead <= 0xDF) {
      count = 1;
      codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      count = 2;
      codePoint = lead & 0x0F;
      if (lead == 0xE0) {
        min = 0xA0;
      } else if (lead == 0xED) {
        max = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      count = 3;
      codePoint = lead & 0x07;
      if (lead == 0xF0) {
        min = 0x90;
      } else if (lead == 0xF4) {
        max = 0x8F;
      }
    } else {
      throw MALFORMED;
    }
    if (i + count >= b.length) {
      throw MALFORMED;
    }
    for (int k = 1; k <= count; k++) {
      int c = b[i + k] & 0xff;
      if (c < min || c > max) {
        throw MALFORMED;
      }
      min = 0x80;
      max = 0xBF;
      codePoint = codePoint << 6 | (c & 0x3F);
    }
    if (text != null) {
      text.appendCodePoint(codePoint);
    }
    return i + count + 1;
  }

  // ---- bytes

  private void skipWhitespace() {
    byte[] b = this.b;
    int i = pos;
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    pos = i;
  }

  private byte next() throws Malformed {
    if (pos >= b.length) {
      throw MALFORMED;
    }
    return b[pos++];
  }

  /** The ASCII bytes {@code b[from, to)} as a String, by one copy. */
  private String ascii(int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }
}
