package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachePolicyTest {
  private final CachePolicy policy = new CachePolicy(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1));

  private static HttpHeaders headers(String... nameValues) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      map.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }

  private Duration ttl(String... nameValues) {
    return policy.timeToLive(headers(nameValues));
  }

  @Test
  void timeToLive_noHeaders_isDefault() {
    assertEquals(Duration.ofMinutes(15), ttl());
  }

  @Test
  void timeToLive_maxAgeWithinBounds_isMaxAge() {
    assertEquals(Duration.ofSeconds(1200), ttl("Cache-Control", "public, max-age=1200, must-revalidate"));
    assertEquals(Duration.ofSeconds(1200), ttl("Cache-Control", "MAX-AGE=\"1200\""));
  }

  @Test
  void timeToLive_maxAgeOutsideBounds_isClamped() {
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "max-age=0"));
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "max-age=10"));
    assertEquals(Duration.ofHours(1), ttl("Cache-Control", "max-age=86400"));
    assertEquals(Duration.ofHours(1), ttl("Cache-Control", "max-age=99999999999999999999999"));
  }

  @Test
  void timeToLive_ageHeader_isSubtracted() {
    assertEquals(Duration.ofSeconds(1500), ttl("Cache-Control", "max-age=3000", "Age", "1500"));
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "max-age=600", "Age", "900"));
    assertEquals(Duration.ofSeconds(1200), ttl("Cache-Control", "max-age=1200", "Age", "junk"));
  }

  @Test
  void timeToLive_noCacheOrNoStore_isMinimum() {
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "no-cache"));
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "max-age=3000, no-store"));
    assertEquals(Duration.ofMinutes(5), ttl("Cache-Control", "private", "Cache-Control", "no-cache=\"set-cookie\""));
  }

  @Test
  void timeToLive_severalMaxAges_mostConservativeWins() {
    assertEquals(Duration.ofSeconds(600), ttl("Cache-Control", "max-age=3000", "Cache-Control", "max-age=600"));
  }

  @Test
  void timeToLive_malformedMaxAge_isIgnored() {
    assertEquals(Duration.ofMinutes(15), ttl("Cache-Control", "max-age=-5"));
    assertEquals(Duration.ofMinutes(15), ttl("Cache-Control", "max-age"));
    assertEquals(Duration.ofMinutes(15), ttl("Cache-Control", "max-age=1e3"));
  }

  @Test
  void timeToLive_expires_isRelativeToDate() {
    assertEquals(Duration.ofMinutes(30), ttl("Date", "Tue, 15 Nov 1994 08:12:31 GMT",
        "Expires", "Tue, 15 Nov 1994 08:42:31 GMT"));
    assertEquals(Duration.ofMinutes(5), ttl("Expires", "0"), "an invalid Expires means already expired");
    assertEquals(Duration.ofMinutes(15), ttl("Expires", "Tue, 15 Nov 1994 08:42:31 GMT"),
        "no Date to compare with");
    assertEquals(Duration.ofSeconds(1200), ttl("Cache-Control", "max-age=1200",
        "Date", "Tue, 15 Nov 1994 08:12:31 GMT", "Expires", "Tue, 15 Nov 1994 08:13:31 GMT"),
        "max-age wins over Expires");
  }
}
