package dev.idtoken.examples;

import dev.idtoken.servlet.IdTokenFilter;
import dev.idtoken.servlet.IdTokenPrincipal;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A back end API on embedded Jetty 12, protected by {@link IdTokenFilter}: {@code GET /api/me}
 * answers the caller's local user key, {@code GET /health} needs no token. All the glue a back end
 * needs beyond building the filter is the few lines of {@link #start}.
 *
 * <p>Not thread-safe to start and stop concurrently; the running server is.
 */
public final class ApiServer implements AutoCloseable {
  private final Server server;

  private ApiServer(Server server) {
    this.server = server;
  }

  /**
   * Starts the API on {@code address} (port 0 for a free one).
   *
   * @throws Exception if the server cannot start
   */
  public static ApiServer start(IdTokenFilter filter, InetSocketAddress address) throws Exception {
    Server server = new Server(address);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(filter), "/api/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new MeServlet()), "/api/me");
    context.addServlet(new ServletHolder(new HealthServlet()), "/health");
    server.setHandler(context);
    server.start();
    return new ApiServer(server);
  }

  /** The API's base URL, such as {@code http://127.0.0.1:PORT}. */
  public URI uri() {
    ServerConnector connector = (ServerConnector) server.getConnectors()[0];
    return URI.create("http://" + connector.getHost() + ":" + connector.getLocalPort());
  }

  /**
   * Stops the server.
   *
   * @throws IllegalStateException if it does not stop cleanly
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the API server did not stop cleanly", e);
    }
  }

  /** The application: it never sees an unauthenticated request, and reads the user from the principal. */
  static final class MeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      IdTokenPrincipal user = (IdTokenPrincipal) request.getUserPrincipal();
      // sub is unique only within its issuer, so the local key is the pair.
      String localUserKey = user.token().issuer() + "|" + user.getName();
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().print(localUserKey + (request.isUserInRole("clinician") ? " (clinician)" : ""));
    }
  }

  static final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().print("ok");
    }
  }
}
