package dev.idtoken.jwks;

/** Helpers for putting untrusted strings (a token's {@code kid}) in log lines. */
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
}
