package dev.idtoken.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 with {@code Retry-After} when a request failed because the provider's keys could not be
 * obtained ({@link IdTokenKeysUnavailableException} anywhere in the cause chain), and 500 when
 * validation failed internally ({@link IdTokenInternalErrorException}).
 *
 * <p>Why a servlet filter: Spring Security turns a non-{@code BadJwtException} from a decoder into an
 * {@code AuthenticationServiceException} and rethrows it. The container would then answer 500 for an
 * outage, or, worse, forward to {@code /error}, which Spring Security guards too, so that an internal
 * failure ends as a 401 and the client drops a good token. Placed before Spring Security's filter
 * chain, this filter answers both itself, whatever security configuration the application has
 * (Boot's default, or its own {@code SecurityFilterChain}). Every other exception passes through
 * unchanged. Thread-safe.
 */
final class IdTokenUnavailableFilter extends OncePerRequestFilter implements Ordered {
  /** Used when the key source gave no hint. Its first retry is after about a second. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  /** Before Spring Security's filter chain, whose default order is -100. */
  static final int ORDER = -110;

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (RuntimeException | ServletException | IOException e) {
      Throwable ours = find(e);
      if (ours == null || response.isCommitted()) {
        throw e;
      }
      // Only the body is dropped: headers already set (CORS, for one) stay, so that a browser
      // client can read the 503 and retry.
      response.resetBuffer();
      response.setHeader("Cache-Control", "no-store");
      if (ours instanceof IdTokenKeysUnavailableException unavailable) {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds(unavailable)));
        logger.debug("ID token not checked: keys unavailable; answered 503");
      } else {
        response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        logger.debug("ID token not checked: internal error; answered 500");
      }
    }
  }

  static long retryAfterSeconds(IdTokenKeysUnavailableException e) {
    Duration hint = e.retryAfter().orElse(DEFAULT_RETRY_AFTER);
    // Whole seconds, rounded up, at least one: "Retry-After: 0" would invite an immediate retry.
    long seconds = hint.getSeconds() + (hint.getNano() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  private static Throwable find(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < 16; depth++) { // bounded: cause chains can loop
      if (t instanceof IdTokenKeysUnavailableException || t instanceof IdTokenInternalErrorException) {
        return t;
      }
      t = t.getCause();
    }
    return null;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
