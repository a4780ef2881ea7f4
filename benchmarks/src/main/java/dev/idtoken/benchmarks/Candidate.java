package dev.idtoken.benchmarks;

/**
 * One way of validating an ID token, doing the full job: parse, allow-listed alg, key by kid,
 * signature, iss, aud, exp and nonce. Not thread-safe unless the implementation says so; the ones
 * here all are, as the validators they wrap.
 */
interface Candidate {
  /** True if the token is valid; false for any rejection. Never throws for a bad token. */
  boolean validate(String token);
}
