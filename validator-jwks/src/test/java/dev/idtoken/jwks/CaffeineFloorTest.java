package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.junit.jupiter.api.Test;

class CaffeineFloorTest {

  @Test
  void manifestVersion_caffeine_isReadable() {
    // Were it unreadable the check would wave any version through.
    assertNotNull(CaffeineFloor.manifestVersion(Caffeine.class));
  }

  @Test
  void requireSupported_theBuildsOwnCaffeine_accepted() {
    assertDoesNotThrow(CaffeineFloor::requireSupported);
  }

  @Test
  void problem_olderThanTheFloor_namesBothVersions() {
    String problem = CaffeineFloor.problem("2.9.3", CaffeineFloor.FLOOR);
    assertTrue(problem.contains("caffeine 2.9.3") && problem.contains(CaffeineFloor.FLOOR), problem);
    assertNull(CaffeineFloor.problem("3.0.0", "3.0.0"));
    assertNull(CaffeineFloor.problem("3.2.3", "3.0.0"));
    assertNull(CaffeineFloor.problem(null, "3.0.0"));
  }
}
