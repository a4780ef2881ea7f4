package dev.idtoken.spring;

import dev.idtoken.jwks.RemoteKeySource;

/**
 * Adjusts each {@link RemoteKeySource} the auto-configuration builds, after the {@code idtoken.*}
 * properties are applied: timeouts, the stale bound, a listener for metrics. Declare one or more as
 * beans; they run in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * RemoteKeySourceCustomizer keyTimeouts() {
 *   return keys -> keys.maxStale(Duration.ofHours(6)).connectTimeout(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RemoteKeySourceCustomizer {

  /** Adjusts the builder; called once per key source, at start-up. */
  void customize(RemoteKeySource.Builder builder);
}
