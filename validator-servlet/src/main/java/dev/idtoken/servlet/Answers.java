package dev.idtoken.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes the filter's refusals: the status, the RFC 6750 §3 challenge when one applies, and a small
 * RFC 9457 {@code application/problem+json} body. Every text written is fixed by this library (the
 * validator's fixed messages included), so nothing of the token, its claims or the request is ever
 * echoed. Immutable and thread-safe.
 */
final class Answers {
  static final String PROBLEM_JSON = "application/problem+json";

  private final String realmParam; // `realm="..."`, or null

  Answers(String realm) {
    this.realmParam = realm == null ? null : "realm=\"" + realm + "\"";
  }

  /** 401 with the bare challenge (RFC 6750 §3.1: no error code when no credential was sent). */
  void missingToken(HttpServletResponse response) throws IOException {
    response.setHeader("WWW-Authenticate", challenge(null, null));
    write(response, 401, "Unauthorized", "A bearer token is required.");
  }

  /** 400 {@code invalid_request} (RFC 6750 §3.1). */
  void invalidRequest(HttpServletResponse response, String description) throws IOException {
    response.setHeader("WWW-Authenticate", challenge("invalid_request", description));
    write(response, 400, "Bad Request", description);
  }

  /** 401 {@code invalid_token} with the validator's fixed description (RFC 6750 §3.1). */
  void invalidToken(HttpServletResponse response, String description) throws IOException {
    response.setHeader("WWW-Authenticate", challenge("invalid_token", description));
    write(response, 401, "Unauthorized", description);
  }

  /** 503 with {@code Retry-After} in whole seconds, rounded up (RFC 9110 §10.2.3). */
  void unavailable(HttpServletResponse response, String description, Duration retryAfter) throws IOException {
    response.setHeader("Retry-After", Long.toString(retryAfterSeconds(retryAfter)));
    write(response, 503, "Service Unavailable", description);
  }

  /** 500: something inside failed; never a 401, which would blame the token (and log the user out). */
  void internalError(HttpServletResponse response) throws IOException {
    write(response, 500, "Internal Server Error", "The request could not be authenticated.");
  }

  static long retryAfterSeconds(Duration retryAfter) {
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      return 1;
    }
    long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  String challenge(String error, String description) {
    StringBuilder challenge = new StringBuilder("Bearer");
    String separator = " ";
    if (realmParam != null) {
      challenge.append(separator).append(realmParam);
      separator = ", ";
    }
    if (error != null) {
      challenge.append(separator).append("error=\"").append(error).append('"');
      challenge.append(", error_description=\"").append(safe(description)).append('"');
    }
    return challenge.toString();
  }

  /**
   * The text with every character outside RFC 6750's {@code error_description} set ({@code %x20-21 /
   * %x23-5B / %x5D-7E}) replaced by {@code ?}: the fixed messages never have one, and this keeps both
   * the header and the JSON well-formed should one ever be added.
   */
  static String safe(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        if (out == null) {
          out = new StringBuilder(text);
        }
        out.setCharAt(i, '?');
      }
    }
    return out == null ? text : out.toString();
  }

  private static void write(HttpServletResponse response, int status, String title, String detail)
      throws IOException {
    byte[] body = ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
        + ",\"detail\":\"" + safe(detail) + "\"}").getBytes(StandardCharsets.UTF_8);
    // setStatus, not sendError: an error page of the container would replace the challenge's body.
    response.setStatus(status);
    response.setContentType(PROBLEM_JSON);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
