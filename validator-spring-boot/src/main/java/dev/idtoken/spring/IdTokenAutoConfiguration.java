package dev.idtoken.spring;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.KeySource;
import dev.idtoken.validator.MultiIssuerValidator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Builds the validator from the {@code idtoken.*} properties ({@link IdTokenProperties}): with
 * {@code idtoken.issuer}, a {@link RemoteKeySource} and an {@link IdTokenValidator}; with
 * {@code idtoken.issuers[n]}, an {@link IssuerRegistry} and a {@link MultiIssuerValidator}. The key
 * sources start loading at start-up, never block it (a provider that is down gives 503s, not a failed
 * start), and are closed on shutdown.
 *
 * <p>Backs off entirely when the application declares its own {@code IdTokenValidator},
 * {@code MultiIssuerValidator} or Spring Security {@code JwtDecoder}; a {@link KeySource} bean of the
 * application's replaces only the {@code RemoteKeySource}. {@link RemoteKeySourceCustomizer} and
 * {@link IdTokenValidatorCustomizer} beans adjust what the properties do not cover. A wrong property
 * stops the start with an {@link IdTokenPropertyException} naming it.
 */
@AutoConfiguration(beforeName = {
    // Their beans back off when a JwtDecoder exists, so ours must be defined first (Boot 3, Boot 4).
    "org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
    "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
    "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"})
@EnableConfigurationProperties(IdTokenProperties.class)
@Import({IdTokenAutoConfiguration.SingleIssuerConfiguration.class,
    IdTokenAutoConfiguration.SeveralIssuersConfiguration.class})
public class IdTokenAutoConfiguration {
  static final String JWT_DECODER = "org.springframework.security.oauth2.jwt.JwtDecoder";

  /** Created by Spring Boot. */
  public IdTokenAutoConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @Conditional(IdTokenConditions.SingleIssuer.class)
  @ConditionalOnMissingBean(value = {IdTokenValidator.class, MultiIssuerValidator.class}, type = JWT_DECODER)
  static class SingleIssuerConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(KeySource.class)
    RemoteKeySource idTokenKeySource(IdTokenProperties properties,
        ObjectProvider<RemoteKeySourceCustomizer> customizers) {
      return IdTokenBeans.keySource(properties, customizers.orderedStream().toList());
    }

    @Bean
    IdTokenValidator idTokenValidator(IdTokenProperties properties, KeySource keySource,
        ObjectProvider<IdTokenValidatorCustomizer> customizers) {
      return IdTokenBeans.validator(properties, keySource, customizers.orderedStream().toList());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @Conditional(IdTokenConditions.SeveralIssuers.class)
  @ConditionalOnMissingBean(value = {IdTokenValidator.class, MultiIssuerValidator.class}, type = JWT_DECODER)
  static class SeveralIssuersConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(IssuerRegistry.class)
    IssuerRegistry idTokenIssuerRegistry(IdTokenProperties properties,
        ObjectProvider<RemoteKeySourceCustomizer> keyCustomizers,
        ObjectProvider<IdTokenValidatorCustomizer> validatorCustomizers) {
      return IdTokenBeans.registry(properties, keyCustomizers.orderedStream().toList(),
          validatorCustomizers.orderedStream().toList());
    }

    @Bean
    MultiIssuerValidator idTokenMultiIssuerValidator(IssuerRegistry registry) {
      return MultiIssuerValidator.of(registry);
    }
  }
}
