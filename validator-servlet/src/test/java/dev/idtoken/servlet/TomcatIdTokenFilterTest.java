package dev.idtoken.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Every case of {@link AbstractIdTokenFilterTest} in embedded Tomcat 11, with the filter registered
 * the portable way ({@code ServletContext.addFilter} from a container initializer).
 */
class TomcatIdTokenFilterTest extends AbstractIdTokenFilterTest {
  private Tomcat tomcat;
  private Path baseDir;

  @Override
  URI start(Filter filter, HttpServlet application) throws Exception {
    baseDir = Files.createTempDirectory("tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    Connector connector = new Connector();
    connector.setProperty("address", "127.0.0.1");
    connector.setPort(0);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    Tomcat.addServlet(context, "application", application).addMapping("/*");
    context.addServletContainerInitializer((classes, servletContext) ->
        servletContext.addFilter("idtoken", filter).addMappingForUrlPatterns(null, false, "/*"), null);
    tomcat.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @Override
  void stop() throws Exception {
    tomcat.stop();
    tomcat.destroy();
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Override
  int headersTooLargeStatus() {
    return 400;
  }
}
