package dev.idtoken.testkit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.idtoken.testkit.FakeProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

class FakeProviderExtensionTest {

  static final List<FakeProvider> SEEN = new CopyOnWriteArrayList<>();
  static final List<Boolean> OPEN_DURING_TEST = new CopyOnWriteArrayList<>();

  static boolean accepts(FakeProvider provider) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", provider.jwksUri().getPort()), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Run only through EngineTestKit: surefire skips nested classes that are not {@code @Nested}. */
  @ExtendWith(FakeProviderExtension.class)
  static class UsesExtension {
    static FakeProvider perClass;
    FakeProvider perTest;

    @BeforeAll
    static void beforeAll(FakeProvider provider) {
      perClass = provider;
      SEEN.add(provider);
    }

    @BeforeEach
    void beforeEach(FakeProvider provider) {
      perTest = provider;
      SEEN.add(provider);
    }

    @Test
    void first(FakeProvider provider, FakeProvider another) {
      SEEN.add(provider);
      SEEN.add(another);
      assertNotSame(provider, another);
      OPEN_DURING_TEST.add(accepts(provider) && accepts(another) && accepts(perTest) && accepts(perClass));
      assertEquals("test-client", provider.issuer().clientId());
    }

    @Test
    void second(FakeProvider provider) {
      SEEN.add(provider);
      OPEN_DURING_TEST.add(accepts(provider) && accepts(perClass));
    }

    @AfterAll
    static void afterAll() {
      OPEN_DURING_TEST.add(accepts(perClass));
    }
  }

  @Test
  void extension_injectsStartedProvidersAndClosesThemAll() {
    SEEN.clear();
    OPEN_DURING_TEST.clear();

    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(UsesExtension.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(2).succeeded(2));

    assertEquals(List.of(true, true, true), OPEN_DURING_TEST);
    assertEquals(6, SEEN.size()); // beforeAll, 2 x beforeEach, first's two, second's one
    for (FakeProvider provider : SEEN) {
      assertEquals(false, accepts(provider), provider + " still open");
    }
  }
}
