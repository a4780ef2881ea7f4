package dev.idtoken.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/** The request as the application sees it once its ID token is verified. */
final class AuthenticatedRequest extends HttpServletRequestWrapper {
  private final IdTokenPrincipal principal;

  AuthenticatedRequest(HttpServletRequest request, IdTokenPrincipal principal) {
    super(request);
    this.principal = principal;
  }

  @Override
  public Principal getUserPrincipal() {
    return principal;
  }

  @Override
  public String getRemoteUser() {
    return principal.getName();
  }

  @Override
  public String getAuthType() {
    return IdTokenFilter.AUTH_TYPE;
  }

  /** A mapped role; {@code "**"} is any authenticated user (Servlet 6.0 §13.3). */
  @Override
  public boolean isUserInRole(String role) {
    return role != null && (principal.roles().contains(role) || "**".equals(role));
  }
}
