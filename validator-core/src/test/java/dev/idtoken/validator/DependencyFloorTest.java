package dev.idtoken.validator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * An unsupported library version is refused at {@code build()}, naming the version found and the one
 * needed, instead of failing on the first request.
 */
class DependencyFloorTest {

  @Test
  void build_jacksonBelowTheFloor_refusedNamingBothVersions() throws Exception {
    // The module's own classes with the jackson of Spring Boot 3.2 (copied by the build), in a class
    // loader of their own; jose4j and slf4j as the build has them.
    List<URL> path = new ArrayList<>();
    path.add(location(IdTokenValidator.class));
    try (Stream<Path> jars = Files.list(Path.of("target", "jackson-below-the-floor"))) {
      for (Path jar : (Iterable<Path>) jars::iterator) {
        path.add(jar.toUri().toURL());
      }
    }
    assertEquals(4, path.size(), "jackson 2.15.4 databind, core, annotations: " + path);
    path.add(location(org.jose4j.lang.JoseException.class));
    path.add(location(org.slf4j.LoggerFactory.class));
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    try (URLClassLoader old = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      // slf4j-api before 2.0.x finds its provider through the context class loader: make it this one.
      thread.setContextClassLoader(old);
      Class<?> validator = Class.forName(IdTokenValidator.class.getName(), true, old);
      Object builder = validator.getMethod("builder").invoke(null);
      builder.getClass().getMethod("issuer", String.class).invoke(builder, "https://login.example.com");
      builder.getClass().getMethod("clientId", String.class).invoke(builder, "client-app");
      Method build = builder.getClass().getMethod("build");
      InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> build.invoke(builder));
      IllegalStateException refused = assertInstanceOf(IllegalStateException.class, e.getCause());
      assertTrue(refused.getMessage().contains("jackson-databind 2.15.4"), refused.getMessage());
      assertTrue(refused.getMessage().contains(Dependencies.JACKSON_FLOOR), refused.getMessage());
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void requireSupported_theBuildsOwnVersions_accepted() {
    assertDoesNotThrow(Dependencies::requireSupported);
  }

  @Test
  void version_eachCheckedLibrary_isReadable() {
    // Were a version unreadable the check would wave it through; these must be read.
    assertNotNull(Dependencies.version(org.jose4j.lang.JoseException.class, "org.bitbucket.b_c/jose4j"));
    assertNotNull(Dependencies.version(org.slf4j.LoggerFactory.class, "org.slf4j/slf4j-api"));
    assertTrue(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMajorVersion() >= 2);
  }

  @Test
  void problem_olderNewerEqualUnknown_refusesOnlyOlder() {
    assertNotNull(Dependencies.problem("jose4j", "0.9.3", "0.9.4"));
    assertNotNull(Dependencies.problem("slf4j-api", "1.7.36", "2.0.0"));
    assertNotNull(Dependencies.problem("jackson-databind", "2.9.10.8", "2.16.0"));
    assertNull(Dependencies.problem("jose4j", "0.9.4", "0.9.4"));
    assertNull(Dependencies.problem("jackson-databind", "2.16.0-rc1", "2.16.0"));
    assertNull(Dependencies.problem("jackson-databind", "2.100.0", "2.16.0"));
    assertNull(Dependencies.problem("slf4j-api", "2.0", "2.0.0"));
    assertNull(Dependencies.problem("jose4j", null, "0.9.4"));
  }
}
