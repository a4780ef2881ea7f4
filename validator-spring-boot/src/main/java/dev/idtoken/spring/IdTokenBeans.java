package dev.idtoken.spring;

import dev.idtoken.jwks.IssuerRegistry;
import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.JwsAlgorithm;
import dev.idtoken.validator.KeySource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the validator beans from {@link IdTokenProperties}, turning every refusal of the builders
 * into an {@link IdTokenPropertyException} that names the property (the builders name their own
 * options, which a Spring user never sees).
 */
final class IdTokenBeans {
  private IdTokenBeans() {}

  static RemoteKeySource keySource(IdTokenProperties p, List<RemoteKeySourceCustomizer> customizers) {
    requireSingle(p);
    RemoteKeySource.Builder keys = RemoteKeySource.builder();
    configureKeys(keys, "idtoken", p.issuer(), p.jwksUri(), algorithms("idtoken.algorithms", p.algorithms()));
    customizers.forEach(c -> c.customize(keys));
    return check(p.jwksUri() != null ? "idtoken.jwks-uri" : "idtoken.issuer", keys::build);
  }

  static IdTokenValidator validator(IdTokenProperties p, KeySource keys, List<IdTokenValidatorCustomizer> customizers) {
    requireSingle(p);
    IdTokenValidator.Builder validator = IdTokenValidator.builder();
    configureValidator(validator, "idtoken", p.issuer(), p.clientId(), p.algorithms(), p.clockSkew(),
        p.maxTokenAge(), p.trustedAudiences());
    customizers.forEach(c -> c.customize(validator));
    validator.keySource(keys);
    return check("idtoken", validator::build);
  }

  static IssuerRegistry registry(IdTokenProperties p, List<RemoteKeySourceCustomizer> keyCustomizers,
      List<IdTokenValidatorCustomizer> validatorCustomizers) {
    if (p.issuer() != null) {
      throw new IdTokenPropertyException("idtoken.issuer",
          "must not be set together with idtoken.issuers; give each issuer as idtoken.issuers[n].issuer");
    }
    if (p.jwksUri() != null) {
      throw new IdTokenPropertyException("idtoken.jwks-uri",
          "must not be set together with idtoken.issuers; give it as idtoken.issuers[n].jwks-uri");
    }
    // These issuers are the operator's own configuration, as idtoken.issuer is, not run-time
    // registrants: like the single-issuer key source, they may live on a private network (an
    // internal Keycloak). The registry's public-address guard is for issuers that strangers add.
    IssuerRegistry registry = IssuerRegistry.builder().dangerouslyAllowPrivateAddresses().build();
    try {
      Map<String, String> seen = new HashMap<>();
      for (int i = 0; i < p.issuers().size(); i++) {
        register(registry, "idtoken.issuers[" + i + "]", p, p.issuers().get(i), seen, keyCustomizers,
            validatorCustomizers);
      }
      return registry;
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  private static void register(IssuerRegistry registry, String prefix, IdTokenProperties defaults,
      IdTokenProperties.Issuer entry, Map<String, String> seen, List<RemoteKeySourceCustomizer> keyCustomizers,
      List<IdTokenValidatorCustomizer> validatorCustomizers) {
    String issuer = required(prefix + ".issuer", entry.issuer());
    String clientId = required(prefix + ".client-id", orElse(entry.clientId(), defaults.clientId()));
    String earlier = seen.putIfAbsent(issuer, prefix);
    if (earlier != null) {
      throw new IdTokenPropertyException(prefix + ".issuer", "names the same issuer as " + earlier + ".issuer");
    }
    List<String> algorithms = orElse(entry.algorithms(), defaults.algorithms());
    List<JwsAlgorithm> allowed = algorithms(prefix + ".algorithms", algorithms);
    check(entry.jwksUri() != null ? prefix + ".jwks-uri" : prefix + ".issuer",
        () -> registry.register(issuer, clientId,
            validator -> {
              configureValidator(validator, prefix, issuer, clientId, algorithms,
                  orElse(entry.clockSkew(), defaults.clockSkew()),
                  orElse(entry.maxTokenAge(), defaults.maxTokenAge()),
                  orElse(entry.trustedAudiences(), defaults.trustedAudiences()));
              validatorCustomizers.forEach(c -> c.customize(validator));
            },
            keys -> {
              configureKeys(keys, prefix, issuer, entry.jwksUri(), allowed);
              keyCustomizers.forEach(c -> c.customize(keys));
            }));
  }

  private static void configureKeys(RemoteKeySource.Builder keys, String prefix, String issuer, URI jwksUri,
      List<JwsAlgorithm> algorithms) {
    if (jwksUri != null) {
      keys.jwksUri(jwksUri);
    } else {
      keys.discovery(required(prefix + ".issuer", issuer));
    }
    keys.expectedAlgorithms(algorithms);
  }

  private static void configureValidator(IdTokenValidator.Builder validator, String prefix, String issuer,
      String clientId, List<String> algorithms, Duration clockSkew, Duration maxTokenAge, List<String> audiences) {
    validator.issuer(required(prefix + ".issuer", issuer));
    validator.clientId(required(prefix + ".client-id", clientId));
    List<JwsAlgorithm> allowed = algorithms(prefix + ".algorithms", algorithms);
    check(prefix + ".algorithms", () -> validator.allowedAlgorithms(allowed));
    if (clockSkew != null) {
      check(prefix + ".clock-skew", () -> validator.clockSkew(clockSkew));
    }
    if (maxTokenAge != null) {
      check(prefix + ".max-token-age", () -> validator.maxTokenAge(maxTokenAge));
    }
    if (audiences != null && !audiences.isEmpty()) {
      check(prefix + ".trusted-audiences", () -> validator.trustedAudiences(audiences.toArray(String[]::new)));
    }
  }

  static List<JwsAlgorithm> algorithms(String property, List<String> names) {
    if (names == null || names.isEmpty()) {
      throw new IdTokenPropertyException(property, "must name at least one algorithm, such as RS256");
    }
    List<JwsAlgorithm> algorithms = new ArrayList<>();
    for (String name : names) {
      JwsAlgorithm algorithm = check(property, () -> JwsAlgorithm.fromName(name == null ? "" : name.trim()));
      if (algorithm.isSymmetric()) {
        // An HMAC key is the client secret, which has no place in these properties.
        throw new IdTokenPropertyException(property, algorithm.jwsName()
            + " is keyed with the client secret, which the starter does not configure; declare an"
            + " IdTokenValidator bean with clientSecret(...) instead");
      }
      algorithms.add(algorithm);
    }
    return algorithms;
  }

  private static String required(String property, String value) {
    if (value == null || value.isBlank()) {
      throw new IdTokenPropertyException(property, "is required");
    }
    return value;
  }

  private static <T> T orElse(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static void requireSingle(IdTokenProperties p) {
    required("idtoken.issuer", p.issuer());
    required("idtoken.client-id", p.clientId());
  }

  private interface Step<T> {
    T run();
  }

  private static <T> T check(String property, Step<T> step) {
    try {
      return step.run();
    } catch (IllegalArgumentException e) {
      // The builders' messages name their own options ("clockSkew must be ..."): quote them as the reason.
      String reason = e.getMessage();
      throw new IdTokenPropertyException(property, reason == null ? "is invalid" : "is invalid (" + reason + ")");
    }
  }
}
