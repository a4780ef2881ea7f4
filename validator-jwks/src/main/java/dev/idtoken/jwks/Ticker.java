package dev.idtoken.jwks;

/**
 * A source of monotonic time in nanoseconds, for measuring cache ages and intervals.
 *
 * <p>Implementations must be thread-safe. Only differences between two readings are meaningful. The
 * default, {@link #systemTicker()}, reads {@link System#nanoTime()}; tests inject a manual ticker so
 * that cache expiry can be simulated without sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** The current reading, in nanoseconds. */
  long read();

  /** The ticker that reads {@link System#nanoTime()}. */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }
}
