package dev.idtoken.jwks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Helpers for putting untrusted strings in log lines: a token's {@code kid}, and whatever a provider
 * publishes (the {@code kid}s of its JWKS, its algorithm names), since a provider may be registered by
 * a customer.
 */
final class Logs {
  private static final int MAX = 64;

  private Logs() {}

  /** Printable ASCII only, at most 64 characters, so a hostile {@code kid} cannot forge log lines. */
  static String safe(String untrusted) {
    if (untrusted == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder(Math.min(untrusted.length(), MAX) + 3);
    for (int i = 0; i < untrusted.length() && i < MAX; i++) {
      char c = untrusted.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (untrusted.length() > MAX) {
      out.append("...");
    }
    return out.toString();
  }

  /** {@link #safe(String)} applied to each element, in iteration order. */
  static List<String> safe(Collection<String> untrusted) {
    List<String> out = new ArrayList<>(untrusted.size());
    for (String value : untrusted) {
      out.add(safe(value));
    }
    return out;
  }
}
