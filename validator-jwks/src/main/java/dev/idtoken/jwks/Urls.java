package dev.idtoken.jwks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Which URLs this module may fetch: HTTPS, or plain HTTP on a loopback address by explicit opt-in. */
final class Urls {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private Urls() {}

  /** Null when the URI may be fetched, else why not. */
  static String problem(URI uri, boolean allowInsecureLoopbackHttp) {
    if (!uri.isAbsolute() || uri.getHost() == null) {
      return "must be an absolute URL with a host";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not contain user information";
    }
    if (uri.getRawFragment() != null) {
      return "must not contain a fragment";
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return null;
    }
    if (scheme.equals("http")) {
      if (!isLoopback(uri.getHost())) {
        return "must use https";
      }
      return allowInsecureLoopbackHttp ? null
          : "must use https (plain http on loopback needs allowInsecureLoopbackHttp())";
    }
    return "must use https";
  }

  /** Whether the host is a loopback name or literal; never resolves a name through DNS. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || IPV4_LOOPBACK.matcher(h).matches()) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      try {
        // An IPv6 literal: getByName parses it without a lookup.
        return InetAddress.getByName(h.substring(1, h.length() - 1)).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * The OpenID Connect Discovery 1.0 §4 configuration URL: the issuer with any trailing slash removed,
   * then {@code /.well-known/openid-configuration}.
   */
  static URI discoveryUri(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return URI.create(base + "/.well-known/openid-configuration");
  }
}
