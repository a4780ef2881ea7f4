package dev.idtoken.spring;

import dev.idtoken.validator.IdTokenValidator;

/**
 * Adjusts each {@link IdTokenValidator} the auto-configuration builds, after the {@code idtoken.*}
 * properties are applied: a verified-token cache, a maximum token size, a clock. Declare one or more
 * as beans; they run in their {@code @Order}. The issuer, client id and key source are the starter's.
 *
 * <pre>{@code
 * @Bean
 * IdTokenValidatorCustomizer cache() {
 *   return validator -> validator.cacheVerifiedTokens(10_000);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface IdTokenValidatorCustomizer {

  /** Adjusts the builder; called once per validator, at start-up. */
  void customize(IdTokenValidator.Builder builder);
}
