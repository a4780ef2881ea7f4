package dev.idtoken.jwks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads an OpenID Provider configuration document (OpenID Connect Discovery 1.0 §3, §4). */
final class Discovery {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Discovery() {}

  /**
   * The provider metadata this module uses.
   *
   * @param jwksUri the {@code jwks_uri}, already checked to be fetchable
   * @param signingAlgorithms {@code id_token_signing_alg_values_supported}, empty when absent
   */
  record Metadata(URI jwksUri, Set<String> signingAlgorithms) {}

  /**
   * Parses and checks the document: §4.3 requires its {@code issuer} to be exactly the issuer it was
   * requested for, which stops one provider from impersonating another.
   */
  static Metadata parse(byte[] body, String expectedIssuer, boolean allowInsecureLoopbackHttp)
      throws FetchException {
    JsonNode root;
    try (JsonParser parser = MAPPER.createParser(body)) {
      root = MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        throw new FetchException("discovery document has trailing content");
      }
    } catch (IOException e) {
      throw new FetchException("discovery document is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new FetchException("discovery document is not a JSON object");
    }
    JsonNode issuer = root.get("issuer");
    if (issuer == null || !issuer.isTextual()) {
      throw new FetchException("discovery document has no issuer");
    }
    if (!issuer.textValue().equals(expectedIssuer)) {
      throw new FetchException("discovery issuer mismatch: the document names "
          + Logs.safe(issuer.textValue()) + ", expected " + expectedIssuer);
    }
    JsonNode jwks = root.get("jwks_uri");
    if (jwks == null || !jwks.isTextual()) {
      throw new FetchException("discovery document has no jwks_uri");
    }
    URI jwksUri;
    try {
      jwksUri = new URI(jwks.textValue());
    } catch (java.net.URISyntaxException e) {
      throw new FetchException("discovery jwks_uri is not a URI");
    }
    String problem = Urls.problem(jwksUri, allowInsecureLoopbackHttp);
    if (problem != null) {
      throw new FetchException("discovery jwks_uri " + problem);
    }
    Set<String> algorithms = new LinkedHashSet<>();
    JsonNode algs = root.get("id_token_signing_alg_values_supported");
    if (algs != null && algs.isArray()) {
      for (JsonNode alg : algs) {
        if (alg.isTextual()) {
          algorithms.add(alg.textValue());
        }
      }
    }
    return new Metadata(jwksUri, Set.copyOf(algorithms));
  }
}
