package dev.idtoken.servlet;

import dev.idtoken.validator.VerifiedIdToken;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;

/** The application behind the filter: tells what it was told about the user, for every method. */
final class EchoServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (request.getRequestURI().equals("/login")) {
      // Where an app starts the sign-in: it keeps the nonce it sends the provider in the session.
      request.getSession(true).setAttribute("nonce", request.getParameter("nonce"));
      response.setStatus(204);
      return;
    }
    Principal principal = request.getUserPrincipal();
    Object token = request.getAttribute(IdTokenFilter.TOKEN_ATTRIBUTE);
    response.setStatus(200);
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().print("user=" + (principal == null ? "-" : principal.getName())
        + ";remoteUser=" + request.getRemoteUser()
        + ";authType=" + request.getAuthType()
        + ";admin=" + request.isUserInRole("admin")
        + ";auditor=" + request.isUserInRole("auditor")
        + ";anyone=" + request.isUserInRole("**")
        + ";principal=" + (principal instanceof IdTokenPrincipal p ? p.token().subject() : "-")
        + ";attribute=" + (token instanceof VerifiedIdToken t ? t.subject() : "-"));
  }
}
