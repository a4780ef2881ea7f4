package dev.idtoken.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user agent for the authorization code flow with PKCE (RFC 7636) and a nonce, driven over HTTP:
 * it follows redirects by hand, fills and submits each HTML form the provider shows (login,
 * consent) with the given credentials, stops at the redirect URI, and redeems the code at the token
 * endpoint with {@code client_secret_basic}. One instance is one browser session (its own cookies);
 * not thread-safe.
 */
final class Browser {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>",
      Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
  private static final int MAX_STEPS = 20;

  /** A registered client. */
  record Client(String id, String secret, String redirectUri) {}

  /** What the flow returned: the raw tokens and the nonce the request sent. */
  record Tokens(String idToken, String accessToken, String nonce) {}

  // A cookie jar of its own: the JDK's CookieManager never sends a Secure cookie over plain HTTP,
  // and Keycloak marks its login cookies Secure even on 127.0.0.1. One provider per browser, so
  // names are enough; paths and domains are ignored.
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /**
   * Logs in through the provider's pages and returns the tokens.
   *
   * @param credentials form fields to fill by name (for example username and password)
   */
  Tokens login(JsonNode discovery, Client client, Map<String, String> credentials) throws IOException {
    String verifier = random();
    String state = random();
    String nonce = random();
    URI authorize = URI.create(discovery.path("authorization_endpoint").asText() + "?" + form(Map.of(
        "response_type", "code",
        "client_id", client.id(),
        "redirect_uri", client.redirectUri(),
        "scope", "openid",
        "state", state,
        "nonce", nonce,
        "code_challenge", challenge(verifier),
        "code_challenge_method", "S256")));
    HttpResponse<String> response = send(HttpRequest.newBuilder(authorize).GET());
    URI current = authorize;
    for (int step = 0; step < MAX_STEPS; step++) {
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        URI next = current.resolve(response.headers().firstValue("Location")
            .orElseThrow(() -> new IOException("redirect without Location")));
        if (next.toString().startsWith(client.redirectUri())) {
          Map<String, String> params = query(next);
          if (!state.equals(params.get("state"))) {
            throw new IOException("state mismatch or error at the redirect URI: " + params.keySet());
          }
          String code = params.get("code");
          if (code == null) {
            throw new IOException("no code at the redirect URI: " + params);
          }
          return redeem(discovery, client, code, verifier, nonce);
        }
        current = next;
        response = send(HttpRequest.newBuilder(next).GET());
      } else if (status == 200 && FORM.matcher(response.body()).find()) {
        Matcher form = FORM.matcher(response.body());
        form.find();
        String action = attribute(form.group(1), "action");
        URI target = action == null || action.isEmpty() ? current : current.resolve(unescape(action));
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher input = INPUT.matcher(form.group(2));
        boolean submitNamed = false;
        while (input.find()) {
          String name = attribute(input.group(1), "name");
          String type = attribute(input.group(1), "type");
          if (name == null || "checkbox".equalsIgnoreCase(type)) {
            continue;
          }
          if ("submit".equalsIgnoreCase(type)) {
            if (!submitNamed) {
              fields.put(name, unescape(String.valueOf(attribute(input.group(1), "value"))));
              submitNamed = true;
            }
            continue;
          }
          String value = attribute(input.group(1), "value");
          fields.put(name, credentials.getOrDefault(name, value == null ? "" : unescape(value)));
        }
        current = target;
        response = send(HttpRequest.newBuilder(target)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
      } else {
        throw new IOException("unexpected " + status + " from " + current.getPath() + ": "
            + response.body().substring(0, Math.min(300, response.body().length())));
      }
    }
    throw new IOException("no redirect to the client after " + MAX_STEPS + " steps");
  }

  private Tokens redeem(JsonNode discovery, Client client, String code, String verifier, String nonce)
      throws IOException {
    String basic = Base64.getEncoder().encodeToString((enc(client.id()) + ":" + enc(client.secret()))
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = send(HttpRequest.newBuilder(
            URI.create(discovery.path("token_endpoint").asText()))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
            "grant_type", "authorization_code",
            "code", code,
            "redirect_uri", client.redirectUri(),
            "code_verifier", verifier)))));
    if (response.statusCode() != 200) {
      throw new IOException("token endpoint answered " + response.statusCode() + ": " + response.body());
    }
    JsonNode tokens = JSON.readTree(response.body());
    return new Tokens(tokens.path("id_token").asText(null), tokens.path("access_token").asText(null), nonce);
  }

  /** GETs a JSON document (discovery, admin API reads). */
  JsonNode getJson(URI uri) throws IOException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    if (!cookies.isEmpty()) {
      StringBuilder header = new StringBuilder();
      cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
      request.header("Cookie", header.toString());
    }
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String setCookie : response.headers().allValues("Set-Cookie")) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        String lower = setCookie.toLowerCase(Locale.ROOT);
        if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static String form(Map<String, String> fields) {
    StringBuilder out = new StringBuilder();
    fields.forEach((k, v) -> out.append(out.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
    return out.toString();
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static String attribute(String attributes, String name) {
    Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*(\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE)
        .matcher(attributes);
    if (!m.find()) {
      return null;
    }
    return m.group(2) != null ? m.group(2) : m.group(3);
  }

  private static String unescape(String html) {
    return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&#x3D;", "=").replace("&#61;", "=");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
