package dev.idtoken.servlet;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * The bearer credential of one request, read as RFC 6750 §2.1 says: one {@code Authorization}
 * header, scheme {@code Bearer} in any case, one or more spaces, one {@code token68} (RFC 7235 §2.1)
 * and nothing after it. Optionally a named cookie instead. Never the query string or the body.
 */
final class BearerCredential {
  enum Kind {
    /** A token to validate. */
    TOKEN,
    /** No bearer credential: no header, another scheme, no (or an empty) cookie. */
    NONE,
    /** Several {@code Authorization} headers, several token cookies, or both a header and a cookie. */
    MULTIPLE,
    /** The {@code Bearer} scheme without a single well-formed token68 after it. */
    MALFORMED
  }

  private static final BearerCredential NONE = new BearerCredential(Kind.NONE, null);
  private static final BearerCredential MULTIPLE = new BearerCredential(Kind.MULTIPLE, null);
  private static final BearerCredential MALFORMED = new BearerCredential(Kind.MALFORMED, null);

  final Kind kind;
  final String token; // only for TOKEN

  private BearerCredential(Kind kind, String token) {
    this.kind = kind;
    this.token = token;
  }

  /**
   * Reads the request's credential.
   *
   * @param cookieName the cookie that may carry the token, or null for the header only
   */
  static BearerCredential of(HttpServletRequest request, String cookieName) {
    BearerCredential header = fromHeader(request.getHeaders("Authorization"));
    if (cookieName == null || header.kind == Kind.MULTIPLE || header.kind == Kind.MALFORMED) {
      return header;
    }
    BearerCredential cookie = fromCookies(request.getCookies(), cookieName);
    if (cookie.kind == Kind.NONE) {
      return header;
    }
    // RFC 6750 §2: a client MUST NOT use more than one method to transmit the token.
    return header.kind == Kind.TOKEN ? MULTIPLE : cookie;
  }

  private static BearerCredential fromHeader(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return NONE;
    }
    String value = values.nextElement();
    if (values.hasMoreElements()) {
      return MULTIPLE; // Authorization is a singleton field (RFC 9110 §11.6.2)
    }
    int schemeEnd = 0;
    while (schemeEnd < value.length() && isTchar(value.charAt(schemeEnd))) {
      schemeEnd++;
    }
    if (schemeEnd != 6 || !value.regionMatches(true, 0, "Bearer", 0, 6)) {
      return NONE; // another scheme (Basic, DPoP, ...): not ours to judge
    }
    int start = schemeEnd;
    while (start < value.length() && value.charAt(start) == ' ') {
      start++;
    }
    if (start == schemeEnd) {
      return MALFORMED; // "Bearer" alone, or followed by something other than SP
    }
    String token = value.substring(start);
    return isToken68(token) ? new BearerCredential(Kind.TOKEN, token) : MALFORMED;
  }

  private static BearerCredential fromCookies(Cookie[] cookies, String name) {
    if (cookies == null) {
      return NONE;
    }
    String found = null;
    for (Cookie cookie : cookies) {
      if (name.equals(cookie.getName()) && cookie.getValue() != null && !cookie.getValue().isEmpty()) {
        if (found != null) {
          return MULTIPLE;
        }
        found = cookie.getValue();
      }
    }
    if (found == null) {
      return NONE; // an emptied cookie is how a browser app signs out
    }
    return isToken68(found) ? new BearerCredential(Kind.TOKEN, found) : MALFORMED;
  }

  /** RFC 7235 §2.1: {@code token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
  static boolean isToken68(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && isToken68Char(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && s.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  private static boolean isToken68Char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  }

  /** RFC 9110 §5.6.2 {@code tchar}. */
  static boolean isTchar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
