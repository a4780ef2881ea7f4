package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An ID token that passed every check: the proof of a verified identity.
 *
 * <p>Immutable and thread-safe. Only the validator creates instances, so holding one means the
 * signature, issuer, audience, times and per-request expectations were all checked. It exposes the
 * claims and the JOSE header values a framework's own token object needs ({@link #header()},
 * {@link #claimsWithInstants()}), never key material. Map the user with {@link #issuer()} and
 * {@link #subject()} together: {@code sub} is unique only within its issuer (OpenID Connect Core 1.0
 * §2). {@link #toString()} shows no personal data.
 *
 * <p>The protocol claims were type-checked during validation. Profile claims (OpenID Connect Core
 * §5.1, such as {@code email} or {@code updated_at}) and custom claims are checked when read: an
 * accessor throws {@link ClaimTypeException} when the JSON type is not the one asked for.
 */
public final class VerifiedIdToken {
  // The protocol claims, read during validation; the full claim tree is built from their payload
  // bytes on first use (most callers read only protocol claims, or none). A benign race: threads
  // that find it null each parse the same accepted bytes into equal trees, and the volatile write
  // publishes a fully built one.
  private final Json.Claims protocolClaims;
  private volatile ObjectNode tree;
  private final String issuer;
  private final String subject;
  private final List<String> audiences;
  private final Instant expiresAt;
  private final Instant issuedAt;
  private final Instant authTime;
  // What a verified-token cache hit checks again against the clock and the request.
  final PerCallClaims perCall;
  private final JoseHeader header;

  /** The header values that were checked: the algorithm, and {@code kid}/{@code typ} or null. */
  record JoseHeader(JwsAlgorithm alg, String kid, String typ) {}

  /**
   * Claims that RFC 7519 §4.1 and OpenID Connect Core §2 and §5.1 define as NumericDate, turned into
   * {@link Instant}s by {@link #claimsWithInstants()}.
   */
  private static final Set<String> TIME_CLAIMS = Set.of("exp", "iat", "nbf", "auth_time", "updated_at");

  VerifiedIdToken(Json.Claims claims, String issuer, String subject, List<String> audiences,
      PerCallClaims perCall, JoseHeader header) {
    this.header = Objects.requireNonNull(header, "header");
    this.protocolClaims = claims;
    this.issuer = issuer;
    this.subject = subject;
    this.audiences = audiences;
    this.expiresAt = perCall.exp;
    this.issuedAt = perCall.iat;
    this.authTime = perCall.authTime;
    this.perCall = perCall;
  }

  /** {@code iss}: the issuer, exactly as configured. */
  public String issuer() {
    return issuer;
  }

  /** The header {@code alg} the signature was verified with (one of the validator's allow-list). */
  public JwsAlgorithm algorithm() {
    return header.alg();
  }

  /** The header {@code kid}, when present. */
  public Optional<String> keyId() {
    return Optional.ofNullable(header.kid());
  }

  /** The header {@code typ}, when present (a string; the validator checked it unless told otherwise). */
  public Optional<String> type() {
    return Optional.ofNullable(header.typ());
  }

  /**
   * The checked JOSE header values as an unmodifiable map: {@code alg} always, {@code kid} and
   * {@code typ} when present. Other header members (RFC 7515 §4) are not kept: the validator reads
   * no keys or URLs from the header.
   */
  public Map<String, Object> header() {
    Map<String, Object> map = new LinkedHashMap<>(4);
    map.put("alg", header.alg().jwsName());
    if (header.kid() != null) {
      map.put("kid", header.kid());
    }
    if (header.typ() != null) {
      map.put("typ", header.typ());
    }
    return Collections.unmodifiableMap(map);
  }

  /** {@code sub}: the user's identifier at the issuer (at most 255 ASCII characters). */
  public String subject() {
    return subject;
  }

  /** {@code aud}: the audiences, the client id among them. */
  public List<String> audiences() {
    return audiences;
  }

  /** {@code azp}: the authorized party, when present (it is the client id). */
  public Optional<String> authorizedParty() {
    return stringClaim("azp");
  }

  /** {@code exp}: when the token expires. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** {@code iat}: when the token was issued. */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** {@code auth_time}: when the user authenticated, when present. */
  public Optional<Instant> authTime() {
    return Optional.ofNullable(authTime);
  }

  /** {@code nonce}, when present. */
  public Optional<String> nonce() {
    return stringClaim("nonce");
  }

  /** {@code acr}: the authentication context class reference, when present. */
  public Optional<String> acr() {
    return stringClaim("acr");
  }

  /** {@code amr}: the authentication methods references; empty when absent. */
  public List<String> amr() {
    return stringListClaim("amr").orElse(List.of());
  }

  /** {@code sid}: the session id (OpenID Connect Front-/Back-Channel Logout), when present. */
  public Optional<String> sessionId() {
    return stringClaim("sid");
  }

  /** {@code email}, when present. Trust it for identity only if {@link #emailVerified()} is true. */
  public Optional<String> email() {
    return stringClaim("email");
  }

  /** {@code email_verified}; false when absent or not a JSON boolean (a string {@code "true"} is not true). */
  public boolean emailVerified() {
    JsonNode node = tree().get("email_verified");
    return node != null && node.isBoolean() && node.booleanValue();
  }

  /** {@code name}, when present. */
  public Optional<String> name() {
    return stringClaim("name");
  }

  /** {@code given_name}, when present. */
  public Optional<String> givenName() {
    return stringClaim("given_name");
  }

  /** {@code family_name}, when present. */
  public Optional<String> familyName() {
    return stringClaim("family_name");
  }

  /** {@code preferred_username}, when present. Not unique and not stable: never a key for the user. */
  public Optional<String> preferredUsername() {
    return stringClaim("preferred_username");
  }

  /** {@code locale}, when present. */
  public Optional<String> locale() {
    return stringClaim("locale");
  }

  /** {@code picture}, when present. */
  public Optional<String> picture() {
    return stringClaim("picture");
  }

  /** The names of all claims in the token. */
  public Set<String> claimNames() {
    Set<String> names = new TreeSet<>();
    tree().fieldNames().forEachRemaining(names::add);
    return Collections.unmodifiableSet(names);
  }

  /** Whether the claim is present (with any value, JSON {@code null} included). */
  public boolean hasClaim(String name) {
    Objects.requireNonNull(name, "name");
    return Json.Claims.index(name) >= 0 ? protocolClaims.get(name) != null : tree().has(name);
  }

  /**
   * A string claim such as SMART on FHIR's {@code fhirUser}.
   *
   * @return empty when absent or JSON {@code null}
   * @throws ClaimTypeException if present with another JSON type
   */
  public Optional<String> stringClaim(String name) {
    return claim(name, String.class);
  }

  /**
   * A claim that is an array of strings, or a single string (read as a one-element list).
   *
   * @return empty when absent or JSON {@code null}
   * @throws ClaimTypeException if present with another JSON type
   */
  public Optional<List<String>> stringListClaim(String name) {
    JsonNode node = node(name);
    if (node == null) {
      return Optional.empty();
    }
    if (node.isTextual()) {
      return Optional.of(List.of(node.textValue()));
    }
    if (!node.isArray()) {
      throw new ClaimTypeException(name, "an array of strings");
    }
    List<String> values = new ArrayList<>(node.size());
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw new ClaimTypeException(name, "an array of strings");
      }
      values.add(element.textValue());
    }
    return Optional.of(List.copyOf(values));
  }

  /**
   * A claim converted to a plain Java type: {@code String}, {@code Boolean}, {@code Long} (integral
   * numbers), {@code Double}, {@code Instant} (a NumericDate), {@code List} or {@code Map} (of plain
   * values), or {@code Object} for whatever the JSON holds.
   *
   * @return empty when absent or JSON {@code null}
   * @throws ClaimTypeException if the JSON value does not have that type
   * @throws IllegalArgumentException if {@code type} is not one of those listed
   */
  public <T> Optional<T> claim(String name, Class<T> type) {
    Objects.requireNonNull(type, "type");
    JsonNode node = node(name);
    if (node == null) {
      return Optional.empty();
    }
    Object value;
    if (type == String.class) {
      value = node.isTextual() ? node.textValue() : null;
    } else if (type == Boolean.class) {
      value = node.isBoolean() ? node.booleanValue() : null;
    } else if (type == Long.class) {
      value = node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
    } else if (type == Double.class) {
      value = node.isNumber() ? node.doubleValue() : null;
    } else if (type == Instant.class) {
      value = node.isNumber() ? NumericDate.toInstant(node) : null;
    } else if (type == List.class) {
      value = node.isArray() ? toJava(node) : null;
    } else if (type == Map.class) {
      value = node.isObject() ? toJava(node) : null;
    } else if (type == Object.class) {
      value = toJava(node);
    } else {
      throw new IllegalArgumentException("unsupported claim type: " + type.getName());
    }
    if (value == null) {
      throw new ClaimTypeException(name, type.getSimpleName());
    }
    return Optional.of(type.cast(value));
  }

  /** All claims as an unmodifiable map of plain Java values (see {@link #claim(String, Class)}). */
  public Map<String, Object> claims() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) toJava(tree());
    return map;
  }

  /**
   * All claims as {@link #claims()} gives them, except that the top-level time claims ({@code exp},
   * {@code iat}, {@code nbf}, {@code auth_time}, {@code updated_at}) are {@link Instant}s when they
   * are numbers, as frameworks' token types expect (Spring Security's {@code Jwt}, for one).
   */
  public Map<String, Object> claimsWithInstants() {
    Map<String, Object> map = new LinkedHashMap<>(claims());
    for (String name : TIME_CLAIMS) {
      JsonNode node = node(name);
      if (node != null && node.isNumber()) {
        map.put(name, NumericDate.toInstant(node));
      }
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * The key a {@link ReplayGuard} records for this token at this client: SHA-256 over the client id
   * and either {@code iss} and {@code jti} ("j" keys) or the verified payload bytes ("p" keys), each
   * part length-prefixed so no two inputs share an encoding. The payload bytes are what the signature
   * covers, so an attacker cannot vary them; the token string can vary (ECDSA's {@code s} and
   * {@code n - s} both verify). The client id scopes the key, so two applications sharing one store
   * each accept a token meant for both once. 44 ASCII characters; no claim value in clear.
   */
  String replayKey(String clientId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    updateWithLength(sha, clientId.getBytes(StandardCharsets.UTF_8));
    JsonNode jti = protocolClaims.get("jti");
    char kind;
    if (jti != null && jti.isTextual()) {
      kind = 'j';
      updateWithLength(sha, issuer.getBytes(StandardCharsets.UTF_8));
      updateWithLength(sha, jti.textValue().getBytes(StandardCharsets.UTF_8));
    } else {
      kind = 'p';
      updateWithLength(sha, protocolClaims.payload);
    }
    return kind + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
  }

  private static void updateWithLength(MessageDigest sha, byte[] part) {
    int n = part.length;
    sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(part);
  }

  private JsonNode node(String name) {
    Objects.requireNonNull(name, "name");
    JsonNode node = Json.Claims.index(name) >= 0 ? protocolClaims.get(name) : tree().get(name);
    return node == null || node.isNull() ? null : node;
  }

  /** The whole payload as a tree, built on first use. */
  private ObjectNode tree() {
    ObjectNode t = tree;
    if (t == null) {
      t = Json.parseObject(protocolClaims.payload);
      if (t == null) { // Json.parseClaims accepted these bytes, and JsonTest proves the readers agree
        throw new IllegalStateException("payload no longer parses");
      }
      tree = t;
    }
    return t;
  }

  private static Object toJava(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        map.put(e.getKey(), toJava(e.getValue()));
      }
      return Collections.unmodifiableMap(map);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(element -> list.add(toJava(element)));
      return Collections.unmodifiableList(list);
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return null; // JSON null inside a structure
  }

  @Override
  public String toString() {
    return "VerifiedIdToken[iss=" + issuer + ", exp=" + expiresAt + "]";
  }
}
