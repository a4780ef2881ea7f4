package dev.idtoken.jwks;

/** The listener that ignores everything. */
enum NoListener implements KeySourceListener {
  INSTANCE
}
