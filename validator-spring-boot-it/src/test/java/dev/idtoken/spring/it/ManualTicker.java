package dev.idtoken.spring.it;

import dev.idtoken.jwks.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker the test moves by hand, so that the key source's cooldowns pass without sleeping. */
final class ManualTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(System.nanoTime());

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
