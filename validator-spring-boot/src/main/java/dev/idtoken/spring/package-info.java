/**
 * Spring Boot auto-configuration for ID tokens: {@code idtoken.*} properties
 * ({@link dev.idtoken.spring.IdTokenProperties}) build the validator and its key sources, and
 * {@link dev.idtoken.spring.IdTokenJwtDecoder} makes it Spring Security's {@code JwtDecoder} for
 * a resource server: 401 {@code invalid_token} for a bad token, 503 with {@code Retry-After} when the
 * keys cannot be obtained, 500 for an internal failure. Works with Spring Boot 3.5 (Spring
 * Security 6) and Spring Boot 4 (Spring Security 7).
 */
package dev.idtoken.spring;
