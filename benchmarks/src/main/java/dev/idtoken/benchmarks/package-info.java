/** Benchmarks of ID token validation: JMH and an interleaved ratio runner. Not published. */
package dev.idtoken.benchmarks;
