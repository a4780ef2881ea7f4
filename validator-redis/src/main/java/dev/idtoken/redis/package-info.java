/**
 * ID token replay protection shared across the instances of a service through Redis or Valkey:
 * {@link dev.idtoken.redis.RedisReplayGuard}, a {@link dev.idtoken.validator.ReplayGuard} for
 * {@link dev.idtoken.validator.Expectations.Builder#oneTimeUse(dev.idtoken.validator.ReplayGuard)}.
 */
package dev.idtoken.redis;
