package dev.idtoken.validator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Runs Wycheproof JOSE vectors against the signature layer ({@link JwsVerifier}), configured the way
 * a deployment would be for the group's key: an asymmetric JWK becomes a one-key {@link KeySet} with
 * every asymmetric algorithm allowed (so the key checks, not the allow-list, must refuse mismatches);
 * an {@code oct} JWK becomes the client secret with its own {@code alg} as the allow-list.
 */
final class WycheproofSupport {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<JwsAlgorithm> ASYMMETRIC = EnumSet.of(JwsAlgorithm.RS256, JwsAlgorithm.RS384,
      JwsAlgorithm.RS512, JwsAlgorithm.PS256, JwsAlgorithm.PS384, JwsAlgorithm.PS512, JwsAlgorithm.ES256,
      JwsAlgorithm.ES384, JwsAlgorithm.ES512, JwsAlgorithm.EDDSA);

  private WycheproofSupport() {}

  static JsonNode load(String name) {
    try (InputStream in = WycheproofSupport.class.getResourceAsStream("/wycheproof/" + name)) {
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The providers every vector runs through. */
  static final List<String> PROVIDERS = List.of("JDK", "Corretto");

  private static Signatures corretto;

  /** The signature layer for a name of {@link #PROVIDERS}; Corretto's is built (and self-tested) once. */
  static synchronized Signatures signatures(String provider) {
    if (provider.equals("JDK")) {
      return Signatures.JDK;
    }
    if (corretto == null) {
      corretto = Signatures.withProvider(Accp.provider(), ASYMMETRIC);
      // Every asymmetric algorithm must really go to Corretto, or the suite proves nothing about it.
      if (!corretto.provided().equals(ASYMMETRIC)) {
        throw new IllegalStateException("Corretto offers only " + corretto.provided());
      }
    }
    return corretto;
  }

  /** Each case of {@link #cases(String)} once per provider, the provider's name first. */
  static List<Arguments> casesPerProvider(String file) {
    List<Arguments> out = new ArrayList<>();
    for (String provider : PROVIDERS) {
      for (Arguments args : cases(file)) {
        Object[] a = args.get();
        Object[] withProvider = new Object[a.length + 1];
        withProvider[0] = provider;
        System.arraycopy(a, 0, withProvider, 1, a.length);
        out.add(Arguments.of(withProvider));
      }
    }
    return out;
  }

  /** One argument set per test: tcId, comment, group, jws (text or JSON), expected validity. */
  static List<Arguments> cases(String file) {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode group : load(file).get("testGroups")) {
      for (JsonNode test : group.get("tests")) {
        String jws = test.get("jws").isTextual() ? test.get("jws").textValue() : test.get("jws").toString();
        out.add(Arguments.of(test.get("tcId").intValue(), test.get("comment").textValue(), group, jws,
            test.get("result").textValue().equals("valid")));
      }
    }
    return out;
  }

  /** Whether the library accepts the JWS's signature, given the group's keys, through the JDK. */
  static boolean accepts(JsonNode group, String jws) {
    return accepts(group, jws, Signatures.JDK);
  }

  /** Whether the library accepts the JWS's signature, given the group's keys, through {@code signatures}. */
  static boolean accepts(JsonNode group, String jws, Signatures signatures) {
    JsonNode keys = group.has("public") ? group.get("public") : group.get("private");
    if (!keys.has("keys")) {
      keys = MAPPER.createObjectNode().set("keys", MAPPER.createArrayNode().add(keys));
    }
    JsonNode header = headerOf(jws);
    boolean symmetric = "oct".equals(keys.get("keys").get(0).path("kty").asText());
    JwsVerifier verifier;
    if (symmetric) {
      ObjectNode secretJwk = secretFor(keys, header);
      if (secretJwk == null) {
        return false;
      }
      try {
        JwsAlgorithm alg = JwsAlgorithm.fromName(secretJwk.path("alg").asText());
        byte[] secret = Base64Url.decode(secretJwk.get("k").asText());
        if (secret == null || secret.length < alg.hashLength()) {
          return false; // IdTokenValidator.Builder refuses such a secret (RFC 7518 §3.2)
        }
        verifier = new JwsVerifier(EnumSet.of(alg), KeySet.empty(), secret, JwsVerifier.TypeRule.ID_TOKEN, signatures);
      } catch (IllegalArgumentException e) {
        return false; // e.g. "A256GCM" is no JWS algorithm: such a secret cannot be configured
      }
    } else {
      KeySet keySet;
      try {
        keySet = KeySet.parse(keys.toString());
      } catch (KeySetException e) {
        return false;
      }
      verifier = new JwsVerifier(ASYMMETRIC, keySet, null, JwsVerifier.TypeRule.ID_TOKEN, signatures);
    }
    try {
      verifier.verify(jws);
      return true;
    } catch (Rejection rejection) {
      return false;
    }
  }

  /** The one oct key whose kid is the header's; null when none or several match (ambiguous). */
  private static ObjectNode secretFor(JsonNode keys, JsonNode header) {
    String kid = header == null ? null : header.path("kid").asText(null);
    ObjectNode found = null;
    for (JsonNode key : keys.get("keys")) {
      if (!"oct".equals(key.path("kty").asText())) {
        return null; // a set mixing secrets and public keys is refused as a whole
      }
      if (kid == null || kid.equals(key.path("kid").asText(null))) {
        if (found != null) {
          return null;
        }
        found = (ObjectNode) key;
      }
    }
    return found;
  }

  private static JsonNode headerOf(String jws) {
    int dot = jws.indexOf('.');
    byte[] bytes = dot < 0 ? null : Base64Url.decode(jws.substring(0, dot));
    return bytes == null ? null : Json.parseObject(bytes);
  }
}
