package dev.idtoken.spring;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.RemoteKeySource;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * With Actuator, a health indicator {@code idToken} over the key sources' {@link
 * dev.idtoken.jwks.KeySourceHealth}: {@code UP} while tokens can be checked, {@code DOWN} when no
 * usable keys are left, with the kids, key age and last error as details. Off with
 * {@code management.health.idtoken.enabled=false}.
 *
 * <p>Spring Boot 4 moved the health types to {@code org.springframework.boot.health.contributor};
 * one small configuration per generation, each guarded by the class it needs, registers the right one.
 * Consider leaving it out of a Kubernetes liveness group: restarting the application does not bring
 * a provider back.
 */
@AutoConfiguration(after = IdTokenAutoConfiguration.class)
@ConditionalOnProperty(name = "management.health.idtoken.enabled", matchIfMissing = true)
@Import({IdTokenHealthAutoConfiguration.Boot4.class, IdTokenHealthAutoConfiguration.Boot3.class})
public class IdTokenHealthAutoConfiguration {
  static final String BOOT4_HEALTH_INDICATOR = "org.springframework.boot.health.contributor.HealthIndicator";
  static final String BOOT3_HEALTH_INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";

  /** Created by Spring Boot. */
  public IdTokenHealthAutoConfiguration() {}

  static Supplier<KeySourceHealthReport> report(ObjectProvider<RemoteKeySource> keys,
      ObjectProvider<IssuerRegistry> registry) {
    RemoteKeySource single = keys.getIfUnique();
    if (single != null) {
      return () -> KeySourceHealthReport.of(single);
    }
    IssuerRegistry several = registry.getIfUnique();
    return several == null ? null : () -> KeySourceHealthReport.of(several);
  }

  /** A key source the starter or the application declared. */
  static final class OnKeySources extends AnyNestedCondition {
    OnKeySources() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(RemoteKeySource.class)
    static final class Single {}

    @ConditionalOnBean(IssuerRegistry.class)
    static final class Several {}
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = BOOT4_HEALTH_INDICATOR)
  static class Boot4 {

    @Bean
    @Conditional(OnKeySources.class)
    @ConditionalOnMissingBean(name = "idTokenHealthIndicator")
    org.springframework.boot.health.contributor.HealthIndicator idTokenHealthIndicator(
        ObjectProvider<RemoteKeySource> keys, ObjectProvider<IssuerRegistry> registry) {
      Supplier<KeySourceHealthReport> report = report(keys, registry);
      return () -> {
        if (report == null) {
          return org.springframework.boot.health.contributor.Health.unknown().build();
        }
        KeySourceHealthReport r = report.get();
        return org.springframework.boot.health.contributor.Health.status(r.status()).withDetails(r.details()).build();
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = BOOT3_HEALTH_INDICATOR)
  @ConditionalOnMissingClass(BOOT4_HEALTH_INDICATOR)
  static class Boot3 {

    @Bean
    @Conditional(OnKeySources.class)
    @ConditionalOnMissingBean(name = "idTokenHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator idTokenHealthIndicator(
        ObjectProvider<RemoteKeySource> keys, ObjectProvider<IssuerRegistry> registry) {
      Supplier<KeySourceHealthReport> report = report(keys, registry);
      return () -> {
        if (report == null) {
          return org.springframework.boot.actuate.health.Health.unknown().build();
        }
        KeySourceHealthReport r = report.get();
        return org.springframework.boot.actuate.health.Health.status(r.status()).withDetails(r.details()).build();
      };
    }
  }
}
