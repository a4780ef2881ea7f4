package dev.idtoken.jwks;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which addresses a fetch for an issuer registered at run time may connect to: public unicast only,
 * unless a category was allowed. Stops a registrant from pointing discovery or {@code jwks_uri} at
 * the server's own network (cloud metadata at 169.254.169.254, an admin port on loopback, an internal
 * service). A pure function of the address; {@link GuardedHttp} applies it to every address a name
 * resolves to and to the one it connects to. Immutable and thread-safe.
 */
final class AddressPolicy {

  /** Address ranges that are not public unicast. */
  enum Category {
    /** 127.0.0.0/8, ::1. */
    LOOPBACK("loopback"),
    /** 169.254.0.0/16 (cloud metadata services), fe80::/10. */
    LINK_LOCAL("link-local"),
    /** RFC 1918 (10/8, 172.16/12, 192.168/16), fc00::/7, and the deprecated site-local fec0::/10. */
    PRIVATE("private"),
    /** 100.64.0.0/10, carrier-grade NAT (RFC 6598). */
    SHARED("shared (carrier-grade NAT)"),
    /** 224.0.0.0/4, ff00::/8. */
    MULTICAST("multicast"),
    /** 0.0.0.0/8, ::. */
    UNSPECIFIED("unspecified"),
    /**
     * 240.0.0.0/4 and the broadcast address, 192.0.0.0/24, the benchmarking and documentation
     * ranges, 100::/64 and 2001:db8::/32: never a real provider.
     */
    RESERVED("reserved");

    final String description;

    Category(String description) {
      this.description = description;
    }
  }

  /** The default for registered issuers: public unicast addresses only. */
  static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(EnumSet.noneOf(Category.class));

  private final Set<Category> allowed;

  private AddressPolicy(Set<Category> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  /** A policy that also allows these categories (tests allow loopback, where their servers are). */
  static AddressPolicy allowing(Category first, Category... more) {
    return new AddressPolicy(EnumSet.of(first, more));
  }

  /** Null when a connection to {@code address} is allowed, else the category that forbids it. */
  Category refusal(InetAddress address) {
    Category category = category(address);
    return category == null || allowed.contains(category) ? null : category;
  }

  /** The address's category, or null for public unicast. */
  static Category category(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return ipv4(b);
    }
    byte[] embedded = embeddedIpv4(b);
    if (embedded != null) {
      return ipv4(embedded);
    }
    return ipv6(b);
  }

  private static Category ipv4(byte[] b) {
    int a0 = b[0] & 0xFF;
    int a1 = b[1] & 0xFF;
    int a2 = b[2] & 0xFF;
    if (a0 == 0) {
      return Category.UNSPECIFIED; // "this network" (RFC 1122 §3.2.1.3); 0.0.0.0 reaches the host itself
    }
    if (a0 == 127) {
      return Category.LOOPBACK;
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xF0) == 16) || (a0 == 192 && a1 == 168)) {
      return Category.PRIVATE;
    }
    if (a0 == 169 && a1 == 254) {
      return Category.LINK_LOCAL;
    }
    if (a0 == 100 && (a1 & 0xC0) == 64) {
      return Category.SHARED;
    }
    if ((a0 & 0xF0) == 224) {
      return Category.MULTICAST;
    }
    if ((a0 & 0xF0) == 240 // includes 255.255.255.255
        || (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2))
        || (a0 == 198 && (a1 & 0xFE) == 18)
        || (a0 == 198 && a1 == 51 && a2 == 100)
        || (a0 == 203 && a1 == 0 && a2 == 113)) {
      return Category.RESERVED;
    }
    return null;
  }

  private static Category ipv6(byte[] b) {
    if (allZero(b, 0, 15)) {
      return b[15] == 0 ? Category.UNSPECIFIED : b[15] == 1 ? Category.LOOPBACK : Category.RESERVED;
    }
    int b0 = b[0] & 0xFF;
    int b1 = b[1] & 0xFF;
    if (b0 == 0xFE && (b1 & 0xC0) == 0x80) {
      return Category.LINK_LOCAL;
    }
    if ((b0 == 0xFE && (b1 & 0xC0) == 0xC0) || (b0 & 0xFE) == 0xFC) {
      return Category.PRIVATE;
    }
    if (b0 == 0xFF) {
      return Category.MULTICAST;
    }
    if ((b0 == 0x01 && b1 == 0x00 && allZero(b, 2, 8))
        || (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xFF) == 0x0D && (b[3] & 0xFF) == 0xB8)) {
      return Category.RESERVED; // discard-only 100::/64, documentation 2001:db8::/32
    }
    return null;
  }

  /**
   * The IPv4 address inside an IPv6 one that reaches it: IPv4-mapped (::ffff:0:0/96, in case the JDK
   * kept it as IPv6), IPv4-compatible (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16); else null.
   */
  private static byte[] embeddedIpv4(byte[] b) {
    boolean mapped = allZero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    boolean compatible = allZero(b, 0, 12) && !allZero(b, 12, 15); // not :: or ::1
    boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF
        && (b[3] & 0xFF) == 0x9B && allZero(b, 4, 12);
    if (mapped || compatible || nat64) {
      return new byte[] {b[12], b[13], b[14], b[15]};
    }
    if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
      return new byte[] {b[2], b[3], b[4], b[5]};
    }
    return null;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
