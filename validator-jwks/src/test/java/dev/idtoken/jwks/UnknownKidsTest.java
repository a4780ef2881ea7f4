package dev.idtoken.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The memory of unknown kids: first sightings until answered, absences for a while. */
class UnknownKidsTest {
  private final ManualTicker ticker = new ManualTicker();
  private final UnknownKids kids = new UnknownKids(100, Duration.ofSeconds(30), Duration.ofSeconds(90), ticker);

  @Test
  void firstSeen_keepsTheFirstSightingUntilItExpires() {
    assertEquals(3, kids.firstSeen("k", 3));
    assertEquals(3, kids.firstSeen("k", 7));
    ticker.advance(Duration.ofSeconds(89));
    assertEquals(3, kids.firstSeen("k", 8));
    ticker.advance(Duration.ofSeconds(1));
    assertEquals(9, kids.firstSeen("k", 9), "forgotten: seen anew, later");
  }

  @Test
  void confirmAbsent_rememberedForItsOwnTimeWithItsFirstSighting() {
    kids.firstSeen("k", 3);
    ticker.advance(Duration.ofSeconds(80));
    kids.confirmAbsent("k", 3);
    assertTrue(kids.isAbsent("k"));
    assertEquals(3, kids.firstSeen("k", 9));
    ticker.advance(Duration.ofSeconds(29));
    assertTrue(kids.isAbsent("k"), "30 s from the confirmation, not from the first sighting");
    ticker.advance(Duration.ofSeconds(1));
    assertFalse(kids.isAbsent("k"));
    assertEquals(10, kids.firstSeen("k", 10));
  }

  @Test
  void clear_forgetsEverything() {
    kids.firstSeen("a", 1);
    kids.confirmAbsent("b", 1);
    kids.clear();
    assertFalse(kids.isAbsent("b"));
    assertEquals(5, kids.firstSeen("a", 5));
  }
}
