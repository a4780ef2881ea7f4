package dev.idtoken.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Which requests pass without a token: excluded paths, and CORS preflights. Paths are matched on the
 * servlet path plus path info, which the container has decoded and normalised (no {@code ..}, no
 * {@code ;} parameters), never on the raw request URI, so {@code /public/../admin} cannot pass as
 * {@code /public/*}. Immutable and thread-safe.
 */
final class PathRules {
  private final List<String> exact;
  private final List<String> prefixes; // "/public" for "/public/*"

  private PathRules(List<String> exact, List<String> prefixes) {
    this.exact = List.copyOf(exact);
    this.prefixes = List.copyOf(prefixes);
  }

  static PathRules of(List<String> patterns) {
    List<String> exact = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (String pattern : patterns) {
      checkPattern(pattern);
      if (pattern.endsWith("/*")) {
        prefixes.add(pattern.substring(0, pattern.length() - 2));
      } else {
        exact.add(pattern);
      }
    }
    return new PathRules(exact, prefixes);
  }

  /** A pattern is a path ({@code /health}) or a path followed by {@code /*} ({@code /public/*}). */
  static void checkPattern(String pattern) {
    int star = pattern.indexOf('*');
    boolean wildcardOk = star < 0 || (star == pattern.length() - 1 && pattern.endsWith("/*"));
    if (!pattern.startsWith("/") || !wildcardOk) {
      throw new IllegalArgumentException(
          "excludePaths: a pattern is an exact path (/health) or a prefix (/public/*), not " + pattern);
    }
  }

  boolean excluded(HttpServletRequest request) {
    if (exact.isEmpty() && prefixes.isEmpty()) {
      return false;
    }
    String path = path(request);
    if (exact.contains(path)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
        return true;
      }
    }
    return false;
  }

  /** A CORS preflight (Fetch Standard §3.2.2): {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
  static boolean isPreflight(HttpServletRequest request) {
    return "OPTIONS".equals(request.getMethod())
        && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }
}
