package dev.idtoken.jwks;

/** {@link System#nanoTime()} as a {@link Ticker}; a singleton so that its use can be recognised. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
