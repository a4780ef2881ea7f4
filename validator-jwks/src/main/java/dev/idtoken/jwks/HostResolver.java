package dev.idtoken.jwks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves a host name to its addresses. The seam where {@link GuardedHttp} learns every address a
 * name has, before it checks and connects to them; tests give answers of their own (a rebinding
 * name, a metadata address) without DNS.
 */
@FunctionalInterface
interface HostResolver {

  /** The system resolver (a literal address is parsed, not looked up). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * Every address of {@code host} (an IPv6 literal comes without brackets).
   *
   * @throws UnknownHostException when the name has no address
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
