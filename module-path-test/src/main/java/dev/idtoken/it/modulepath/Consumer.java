package dev.idtoken.it.modulepath;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.micrometer.KeySourceMetrics;
import dev.idtoken.micrometer.ValidationMetrics;
import dev.idtoken.testkit.FakeProvider;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a token from a fake provider over loopback HTTP with every published module on the
 * module path, then checks each module's descriptor: exactly the documented packages exported,
 * nothing opened, and no third-party module (jose4j, Jackson, Caffeine) readable by this
 * application through the library. Exits 1 listing every failed check.
 */
public final class Consumer {

  private Consumer() {}

  /** Runs the checks; exit status 0 when all pass. */
  public static void main(String[] args) throws Exception {
    List<String> failures = new ArrayList<>();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakeProvider provider = FakeProvider.start("module-path-client");
        RemoteKeySource keys = RemoteKeySource.builder()
            .discovery(provider.issuerUrl())
            .allowInsecureLoopbackHttp()
            .listener(new KeySourceMetrics(registry, provider.issuerUrl()))
            .build()) {
      IdTokenValidator validator = IdTokenValidator.builder()
          .issuer(provider.issuerUrl())
          .clientId("module-path-client")
          .keySource(keys)
          .build();
      ValidationMetrics metrics = ValidationMetrics.forValidator(registry, validator);
      ValidationResult result = metrics.record(validator.validate(provider.issuer().token().sign()));
      check(failures, registry.get("idtoken.validations").tag("result", "valid").counter().count() == 1,
          "the validation was counted");
      check(failures, registry.get("idtoken.jwks.discoveries").counter().count() == 1,
          "the discovery was counted");
      if (result instanceof ValidationResult.Valid valid) {
        VerifiedIdToken token = valid.token();
        check(failures, token.issuer().equals(provider.issuerUrl()), "verified issuer");
      } else {
        failures.add("a valid token on the module path gave " + result);
      }
    }

    Module self = Consumer.class.getModule();
    check(failures, self.isNamed(), "the consumer runs as a named module");
    expectExports(failures, IdTokenValidator.class.getModule(), "dev.idtoken.validator",
        Set.of("dev.idtoken.validator"));
    expectExports(failures, RemoteKeySource.class.getModule(), "dev.idtoken.jwks",
        Set.of("dev.idtoken.jwks"));
    expectExports(failures, FakeProvider.class.getModule(), "dev.idtoken.testkit",
        Set.of("dev.idtoken.testkit", "dev.idtoken.testkit.junit"));
    expectExports(failures, KeySourceMetrics.class.getModule(), "dev.idtoken.micrometer",
        Set.of("dev.idtoken.micrometer"));

    // Implementation libraries stay behind the modules: none of ours re-exports them. For modules
    // with a descriptor, the application must not be able to read them at all. (Automatic modules
    // such as jose4j's are read by every reader of any automatic module, micrometer.core here,
    // whatever our descriptors say, so for them the descriptors are checked instead.)
    for (String implementation : List.of("com.fasterxml.jackson.databind",
        "com.github.benmanes.caffeine", "mockwebserver3", "okhttp3", "org.jose4j")) {
      Optional<Module> module = ModuleLayer.boot().findModule(implementation);
      check(failures, module.isPresent(), implementation + " is resolved on the module path");
      module.filter(m -> !m.getDescriptor().isAutomatic()).ifPresent(m -> check(failures,
          !self.canRead(m), implementation + " is not readable by the application"));
    }
    for (Class<?> type : List.of(IdTokenValidator.class, RemoteKeySource.class, FakeProvider.class,
        KeySourceMetrics.class)) {
      for (ModuleDescriptor.Requires requires : type.getModule().getDescriptor().requires()) {
        boolean transitive = requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        check(failures, !transitive || requires.name().startsWith("dev.idtoken.")
            || requires.name().equals("micrometer.core"),
            type.getModule().getName() + " does not re-export " + requires.name());
      }
    }

    if (failures.isEmpty()) {
      System.out.println("module-path consumer: all checks passed");
    } else {
      failures.forEach(f -> System.err.println("module-path consumer FAILED: " + f));
      System.exit(1);
    }
  }

  private static void expectExports(
      List<String> failures, Module module, String name, Set<String> exports) {
    check(failures, module.isNamed() && module.getName().equals(name),
        name + " is a named module, found " + module);
    ModuleDescriptor descriptor = module.getDescriptor();
    if (descriptor == null) {
      return;
    }
    check(failures, !descriptor.isAutomatic(), name + " has a module-info, not an automatic name");
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      check(failures, !e.isQualified(), name + " exports " + e.source() + " to everyone");
      exported.add(e.source());
    }
    check(failures, exported.equals(new TreeSet<>(exports)),
        name + " exports exactly " + exports + ", found " + exported);
    check(failures, descriptor.opens().isEmpty() && !descriptor.isOpen(), name + " opens nothing");
  }

  private static void check(List<String> failures, boolean ok, String what) {
    if (!ok) {
      failures.add(what);
    }
  }
}
