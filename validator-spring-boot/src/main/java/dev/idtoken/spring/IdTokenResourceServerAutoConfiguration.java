package dev.idtoken.spring;

import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.MultiIssuerValidator;
import java.util.Collection;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * Makes the validator Spring Security's {@link JwtDecoder}, so that Spring Boot's resource-server
 * security (or the application's own {@code oauth2ResourceServer(rs -> rs.jwt(withDefaults()))})
 * checks ID tokens with it:
 *
 * <ul>
 *   <li>an {@link IdTokenJwtDecoder} over the one {@code IdTokenValidator} or
 *       {@code MultiIssuerValidator} bean (401 {@code invalid_token} for a bad token);
 *   <li>a {@link JwtAuthenticationConverter} whose authorities come from {@code idtoken.authorities.claim}
 *       (none when unset) and whose principal name is {@code sub};
 *   <li>in a servlet application, a filter before Spring Security's that answers 503 with
 *       {@code Retry-After} when the keys cannot be obtained, which Spring Security alone would
 *       answer 500.
 * </ul>
 *
 * <p>Backs off when the application declares its own {@code JwtDecoder}; the converter backs off when
 * it declares a {@code JwtAuthenticationConverter}.
 */
@AutoConfiguration(after = IdTokenAutoConfiguration.class, beforeName = {
    "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
    "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
    "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@ConditionalOnClass({JwtDecoder.class, JwtAuthenticationConverter.class})
@ConditionalOnMissingBean(JwtDecoder.class)
public class IdTokenResourceServerAutoConfiguration {

  /** Created by Spring Boot. */
  public IdTokenResourceServerAutoConfiguration() {}

  @Bean
  @ConditionalOnSingleCandidate(IdTokenValidator.class)
  IdTokenJwtDecoder idTokenJwtDecoder(IdTokenValidator validator) {
    return new IdTokenJwtDecoder(validator);
  }

  @Bean
  @ConditionalOnSingleCandidate(MultiIssuerValidator.class)
  @ConditionalOnMissingBean(JwtDecoder.class)
  IdTokenJwtDecoder idTokenMultiIssuerJwtDecoder(MultiIssuerValidator validator) {
    return new IdTokenJwtDecoder(validator);
  }

  @Bean
  @ConditionalOnBean(IdTokenJwtDecoder.class)
  @ConditionalOnMissingBean(JwtAuthenticationConverter.class)
  JwtAuthenticationConverter idTokenJwtAuthenticationConverter(IdTokenProperties properties) {
    JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
    converter.setJwtGrantedAuthoritiesConverter(authorities(properties.authorities()));
    return converter;
  }

  static Converter<Jwt, Collection<GrantedAuthority>> authorities(IdTokenProperties.Authorities authorities) {
    if (authorities.claim() == null) {
      return jwt -> List.of();
    }
    if (authorities.claim().isBlank()) {
      throw new IdTokenPropertyException("idtoken.authorities.claim", "must name a claim, or be left out");
    }
    return new IdTokenAuthoritiesConverter(authorities.claim().trim(), authorities.prefix());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class ServletConfiguration {

    @Bean
    IdTokenUnavailableFilter idTokenUnavailableFilter() {
      return new IdTokenUnavailableFilter();
    }
  }
}
