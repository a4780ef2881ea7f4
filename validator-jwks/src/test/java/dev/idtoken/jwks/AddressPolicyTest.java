package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.idtoken.jwks.AddressPolicy.Category;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

  private static InetAddress literal(String address) throws Exception {
    return InetAddress.getByName(address); // a literal is parsed, never looked up
  }

  @Test
  void category_eachNonPublicRange_classified() throws Exception {
    Map<String, Category> expected = new LinkedHashMap<>();
    expected.put("127.0.0.1", Category.LOOPBACK);
    expected.put("127.255.255.254", Category.LOOPBACK);
    expected.put("::1", Category.LOOPBACK);
    expected.put("169.254.169.254", Category.LINK_LOCAL); // cloud metadata
    expected.put("fe80::1", Category.LINK_LOCAL);
    expected.put("febf:ffff::1", Category.LINK_LOCAL);
    expected.put("10.0.0.1", Category.PRIVATE);
    expected.put("172.16.0.1", Category.PRIVATE);
    expected.put("172.31.255.255", Category.PRIVATE);
    expected.put("192.168.1.1", Category.PRIVATE);
    expected.put("fc00::1", Category.PRIVATE);
    expected.put("fd12:3456::1", Category.PRIVATE);
    expected.put("fec0::1", Category.PRIVATE);
    expected.put("100.64.0.1", Category.SHARED);
    expected.put("100.127.255.255", Category.SHARED);
    expected.put("224.0.0.1", Category.MULTICAST);
    expected.put("239.255.255.250", Category.MULTICAST);
    expected.put("ff02::1", Category.MULTICAST);
    expected.put("0.0.0.0", Category.UNSPECIFIED);
    expected.put("0.1.2.3", Category.UNSPECIFIED);
    expected.put("::", Category.UNSPECIFIED);
    expected.put("255.255.255.255", Category.RESERVED);
    expected.put("240.0.0.1", Category.RESERVED);
    expected.put("192.0.0.170", Category.RESERVED);
    expected.put("198.18.0.1", Category.RESERVED);
    expected.put("2001:db8::1", Category.RESERVED);
    // IPv4 inside IPv6: mapped (the JDK hands it over as IPv4), compatible, NAT64, 6to4.
    expected.put("::ffff:169.254.169.254", Category.LINK_LOCAL);
    expected.put("::10.0.0.1", Category.PRIVATE);
    expected.put("64:ff9b::7f00:1", Category.LOOPBACK);
    expected.put("2002:a9fe:a9fe::1", Category.LINK_LOCAL);
    for (Map.Entry<String, Category> e : expected.entrySet()) {
      assertEquals(e.getValue(), AddressPolicy.category(literal(e.getKey())), e.getKey());
      assertEquals(e.getValue(), AddressPolicy.PUBLIC_ONLY.refusal(literal(e.getKey())), e.getKey());
    }
  }

  @Test
  void category_ipv4MappedKeptAsIpv6_checksTheIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
    assertEquals(Category.LOOPBACK, AddressPolicy.category(Inet6Address.getByAddress(null, mapped, -1)));
  }

  @Test
  void refusal_publicAddresses_allowed() throws Exception {
    for (String address : new String[] {"8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1",
        "169.253.0.1", "2606:4700:4700::1111", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
      assertNull(AddressPolicy.PUBLIC_ONLY.refusal(literal(address)), address);
    }
  }

  @Test
  void refusal_oneCategoryAllowed_othersStillRefused() throws Exception {
    AddressPolicy loopback = AddressPolicy.allowing(Category.LOOPBACK);
    assertNull(loopback.refusal(literal("127.0.0.1")));
    assertNull(loopback.refusal(literal("::1")));
    assertEquals(Category.PRIVATE, loopback.refusal(literal("10.0.0.1")));
    assertEquals(Category.LINK_LOCAL, loopback.refusal(literal("169.254.169.254")));
  }
}
