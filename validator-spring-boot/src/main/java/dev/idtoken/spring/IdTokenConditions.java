package dev.idtoken.spring;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Which {@code idtoken.*} properties are set: none (the starter stays out of the way), one issuer, several. */
final class IdTokenConditions {
  private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("idtoken");
  private static final ConfigurationPropertyName ISSUERS = ConfigurationPropertyName.of("idtoken.issuers");

  private IdTokenConditions() {}

  static boolean present(ConditionContext context, ConfigurationPropertyName prefix) {
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
      if (source.containsDescendantOf(prefix) == ConfigurationPropertyState.PRESENT) {
        return true;
      }
    }
    return false;
  }

  /** Some {@code idtoken.*} property is set, and {@code idtoken.issuers} is not. */
  static final class SingleIssuer extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      if (!present(context, ROOT)) {
        return ConditionOutcome.noMatch("no idtoken.* property is set");
      }
      return present(context, ISSUERS)
          ? ConditionOutcome.noMatch("idtoken.issuers is set")
          : ConditionOutcome.match("idtoken.* is set, without idtoken.issuers");
    }
  }

  /** {@code idtoken.issuers} is set. */
  static final class SeveralIssuers extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return present(context, ISSUERS)
          ? ConditionOutcome.match("idtoken.issuers is set")
          : ConditionOutcome.noMatch("idtoken.issuers is not set");
    }
  }
}
