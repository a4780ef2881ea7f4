package dev.idtoken.jwks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when told to; {@link ManualTimers} on it fire as it passes their time. */
final class ManualTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<Runnable> onAdvance = new CopyOnWriteArrayList<>();

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
    onAdvance.forEach(Runnable::run);
  }

  void onAdvance(Runnable action) {
    onAdvance.add(action);
  }
}
