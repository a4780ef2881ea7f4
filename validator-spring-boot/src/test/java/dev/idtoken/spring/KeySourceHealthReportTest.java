package dev.idtoken.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idtoken.jwks.RemoteKeySource;
import dev.idtoken.testkit.FakeProvider;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeySourceHealthReportTest {

  @Test
  void of_keysLoaded_isUpWithKids() throws Exception {
    try (FakeProvider provider = FakeProvider.start();
        RemoteKeySource keys = RemoteKeySource.builder().jwksUri(provider.jwksUri()).allowInsecureLoopbackHttp().build()) {
      keys.refresh().get(10, TimeUnit.SECONDS);

      KeySourceHealthReport report = KeySourceHealthReport.of(keys);

      assertEquals(KeySourceHealthReport.UP, report.status());
      assertEquals("FRESH", report.details().get("keys"));
      assertEquals(List.of(provider.issuer().signingKey().kid()), report.details().get("kids"));
    }
  }

  @Test
  void of_providerDownBeforeKeysLoad_isDownWithTheError() throws Exception {
    try (FakeProvider provider = FakeProvider.start().down();
        RemoteKeySource keys = RemoteKeySource.builder().jwksUri(provider.jwksUri()).allowInsecureLoopbackHttp().build()) {
      assertThrows(ExecutionException.class, () -> keys.refresh().get(10, TimeUnit.SECONDS));

      KeySourceHealthReport report = KeySourceHealthReport.of(keys);

      assertEquals(KeySourceHealthReport.DOWN, report.status());
      assertEquals("UNAVAILABLE", report.details().get("keys"));
      assertTrue(report.details().containsKey("lastError"));
    }
  }
}
