package dev.idtoken.testkit.junit;

import dev.idtoken.testkit.FakeProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a freshly started {@link FakeProvider} into each parameter of that type and closes it
 * when its scope ends: after the test for test, {@code @BeforeEach} and {@code @AfterEach}
 * parameters, after the class for {@code @BeforeAll} and constructor parameters.
 *
 * <p>Thread-safe; stateless (providers are kept in the JUnit extension store). Uses only APIs of
 * JUnit Jupiter 5.0, so it runs on 5.10+ and 6.
 *
 * <pre>{@code
 * @ExtendWith(FakeProviderExtension.class)
 * class MyValidatorTest {
 *   @Test
 *   void validate_rotatedKey_isAccepted(FakeProvider provider) { ... }
 * }
 * }</pre>
 */
public final class FakeProviderExtension
    implements ParameterResolver, AfterEachCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeProviderExtension.class);

  /** Called by JUnit through {@code @ExtendWith}; the extension holds no state of its own. */
  public FakeProviderExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeProvider.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // Keyed by context: Store.get also searches parent contexts, whose providers live longer.
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    String key = context.getUniqueId();
    Started started;
    synchronized (FakeProviderExtension.class) {
      started = store.get(key, Started.class);
      if (started == null) {
        started = new Started();
        store.put(key, started);
      }
    }
    FakeProvider provider = FakeProvider.start();
    started.add(provider);
    return provider;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    closeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeAll(context);
  }

  private static void closeAll(ExtensionContext context) {
    Started started = context.getStore(NAMESPACE).remove(context.getUniqueId(), Started.class);
    if (started != null) {
      started.closeAll();
    }
  }

  /** Providers started in one extension context. Not AutoCloseable: closing is done explicitly. */
  private static final class Started {
    private final List<FakeProvider> providers = new ArrayList<>();

    synchronized void add(FakeProvider provider) {
      providers.add(provider);
    }

    synchronized void closeAll() {
      RuntimeException failure = null;
      for (FakeProvider provider : providers) {
        try {
          provider.close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      providers.clear();
      if (failure != null) {
        throw failure;
      }
    }
  }
}
