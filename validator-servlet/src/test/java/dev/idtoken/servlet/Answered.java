package dev.idtoken.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.testlogs.CapturingLogs;
import dev.idtoken.validator.ErrorCode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the filter (and the application behind it) answered, checked exactly. */
final class Answered {
  private Answered() {}

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static void assertAuthenticatedAs(String subject, HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    assertEquals("user=" + subject + ";remoteUser=" + subject + ";authType=Bearer;admin=true;auditor=false"
        + ";anyone=true;principal=" + subject + ";attribute=" + subject, response.body());
  }

  static void assertAnonymous(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response::body);
    assertEquals("user=-;remoteUser=null;authType=null;admin=false;auditor=false;anyone=false"
        + ";principal=-;attribute=-", response.body());
  }

  static void assertMissingToken(HttpResponse<String> response, String realm) {
    assertEquals(401, response.statusCode(), response::body);
    Rfc6750.assertBare(header(response, "WWW-Authenticate"), realm);
    assertProblem(response, 401);
  }

  static void assertInvalidRequest(HttpResponse<String> response) {
    assertEquals(400, response.statusCode(), response::body);
    assertEquals("invalid_request", Rfc6750.error(header(response, "WWW-Authenticate")));
    assertProblem(response, 400);
  }

  static void assertInvalidToken(HttpResponse<String> response, ErrorCode code) {
    assertEquals(401, response.statusCode(), response::body);
    Map<String, String> challenge = Rfc6750.parse(header(response, "WWW-Authenticate"));
    assertEquals("invalid_token", challenge.get("error"));
    assertEquals(code.message(), challenge.get("error_description"));
    assertProblem(response, 401);
  }

  static void assertProblem(HttpResponse<String> response, int status) {
    assertTrue(header(response, "Content-Type").startsWith(Answers.PROBLEM_JSON), response.headers()::toString);
    assertTrue(response.body().startsWith("{\"type\":\"about:blank\",\"title\":\""), response.body());
    assertTrue(response.body().contains(",\"status\":" + status + ","), response.body());
  }

  /** The filter's DEBUG lines: one per refusal, the status and code only. */
  static List<String> refusals() {
    return CapturingLogs.lines().stream()
        .filter(l -> l.startsWith("DEBUG " + IdTokenFilter.class.getName() + ": "))
        .map(l -> l.substring(l.indexOf(": ") + 2))
        .collect(Collectors.toList());
  }
}
