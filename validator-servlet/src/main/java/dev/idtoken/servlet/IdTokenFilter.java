package dev.idtoken.servlet;

import dev.idtoken.validator.Expectations;
import dev.idtoken.validator.IdTokenValidator;
import dev.idtoken.validator.MultiIssuerValidator;
import dev.idtoken.validator.ValidationResult;
import dev.idtoken.validator.VerifiedIdToken;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A servlet filter that lets a request through only with a valid OpenID Connect ID token, sent as an
 * RFC 6750 bearer credential ({@code Authorization: Bearer <token>}) or, optionally, in a cookie.
 *
 * <p>Immutable and thread-safe: build one at start-up and register it with the container, for example
 * {@code servletContext.addFilter("idtoken", filter).addMappingForUrlPatterns(null, false, "/api/*")}.
 *
 * <p>Answers, exactly (RFC 6750 §3, RFC 9110):
 *
 * <ul>
 *   <li>no bearer credential (no {@code Authorization} header, another scheme, no cookie): 401 with
 *       the bare challenge {@code WWW-Authenticate: Bearer} (plus {@code realm} when configured), or,
 *       after {@link Builder#allowRequestsWithoutToken()}, on to the application unauthenticated;
 *   <li>several {@code Authorization} headers, a header and a cookie, or a {@code Bearer} credential
 *       that is not exactly one {@code token68}: 400 {@code error="invalid_request"};
 *   <li>a token the validator refuses ({@link ValidationResult.Invalid}): 401
 *       {@code error="invalid_token"} with the validator's fixed description of the first error;
 *   <li>keys unavailable ({@link ValidationResult.Unavailable}): 503 with {@code Retry-After}, the key
 *       source's hint when it gives one, else {@link #DEFAULT_RETRY_AFTER};
 *   <li>an internal failure ({@link ValidationResult.Failed}: a defective key source, say), or a
 *       function given to the builder that throws or returns null: 500, never a 401, which would
 *       blame the token. The exception's type is logged at WARN, never its message.
 * </ul>
 *
 * <p>Each refusal has a small {@code application/problem+json} body (RFC 9457) of fixed texts: never
 * the token, a claim, or a stack trace. Each is logged once at DEBUG with its code only. The query
 * string is never read: tokens there end up in access logs.
 *
 * <p>On success the application gets the request wrapped: {@code getUserPrincipal()} is an {@link
 * IdTokenPrincipal} holding the {@link VerifiedIdToken}, {@code getRemoteUser()} its name,
 * {@code getAuthType()} {@value #AUTH_TYPE}, {@code isUserInRole} answers from the configured roles
 * mapping, and the token is the request attribute {@value #TOKEN_ATTRIBUTE}.
 *
 * <p>Excluded paths and CORS preflights ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) pass unauthenticated; any other {@code OPTIONS} needs a token.
 */
public final class IdTokenFilter implements Filter {
  /** The request attribute that holds the {@link VerifiedIdToken} of an authenticated request. */
  public static final String TOKEN_ATTRIBUTE = "dev.idtoken.validator.VerifiedIdToken";
  /** What {@code getAuthType()} returns for an authenticated request. */
  public static final String AUTH_TYPE = "Bearer";
  /** {@code Retry-After} of a 503 when the key source gives no hint: 5 seconds. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(IdTokenFilter.class);
  private static final String MULTIPLE = "The request carries more than one credential.";
  private static final String MALFORMED = "The bearer credential is malformed.";

  private final BiFunction<String, Expectations, ValidationResult> validator;
  private final Answers answers;
  private final String cookieName;
  private final boolean optional;
  private final PathRules excluded;
  private final Function<? super HttpServletRequest, Expectations> expectations;
  private final Function<VerifiedIdToken, String> principalName;
  private final Function<VerifiedIdToken, ? extends Collection<String>> roles;

  private IdTokenFilter(Builder b) {
    this.validator = b.validator;
    this.answers = new Answers(b.realm);
    this.cookieName = b.cookieName;
    this.optional = b.optional;
    this.excluded = PathRules.of(b.excludedPaths);
    this.expectations = b.expectations;
    this.principalName = b.principalName;
    this.roles = b.roles;
  }

  /** A builder for a filter that validates with {@code validator}. */
  public static Builder builder(IdTokenValidator validator) {
    Objects.requireNonNull(validator, "validator");
    return new Builder(validator::validate);
  }

  /** A builder for a filter that validates tokens of several issuers with {@code validator}. */
  public static Builder builder(MultiIssuerValidator validator) {
    Objects.requireNonNull(validator, "validator");
    return new Builder(validator::validate);
  }

  /**
   * Authenticates the request, then passes it on wrapped, or answers it.
   *
   * @throws ServletException if the request is not an HTTP request
   */
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("IdTokenFilter handles HTTP requests only");
    }
    if (PathRules.isPreflight(request) || excluded.excluded(request)) {
      chain.doFilter(request, response);
      return;
    }
    BearerCredential credential = BearerCredential.of(request, cookieName);
    switch (credential.kind) {
      case NONE:
        if (optional) {
          chain.doFilter(request, response);
        } else {
          refused(401, "MISSING_TOKEN");
          answers.missingToken(response);
        }
        return;
      case MULTIPLE:
        refused(400, "MULTIPLE_CREDENTIALS");
        answers.invalidRequest(response, MULTIPLE);
        return;
      case MALFORMED:
        refused(400, "MALFORMED_CREDENTIAL");
        answers.invalidRequest(response, MALFORMED);
        return;
      case TOKEN:
      default:
        break;
    }
    Expectations expected;
    try {
      expected = expectations.apply(request);
    } catch (RuntimeException e) {
      internalError(response, "the expectations function threw " + e.getClass().getName());
      return;
    }
    if (expected == null) {
      internalError(response, "the expectations function returned null");
      return;
    }
    ValidationResult result;
    try {
      result = validator.apply(credential.token, expected);
    } catch (RuntimeException e) { // validate never throws; should a future one, it must not be a 401
      internalError(response, "the validator threw " + e.getClass().getName());
      return;
    }
    if (result instanceof ValidationResult.Valid valid) {
      IdTokenPrincipal principal = principal(valid.token(), response);
      if (principal != null) {
        request.setAttribute(TOKEN_ATTRIBUTE, principal.token());
        chain.doFilter(new AuthenticatedRequest(request, principal), response);
      }
    } else if (result instanceof ValidationResult.Invalid invalid) {
      refused(401, invalid.code().name());
      answers.invalidToken(response, invalid.code().message());
    } else if (result instanceof ValidationResult.Unavailable unavailable) {
      refused(503, unavailable.error().code().name());
      answers.unavailable(response, unavailable.error().message(),
          unavailable.retryAfter().orElse(DEFAULT_RETRY_AFTER));
    } else {
      // Failed: the validator has logged the defect at ERROR.
      refused(500, ((ValidationResult.Failed) result).error().code().name());
      answers.internalError(response);
    }
  }

  /** The principal, or null after answering 500 when the application's mapping functions fail. */
  private IdTokenPrincipal principal(VerifiedIdToken token, HttpServletResponse response) throws IOException {
    String name;
    Set<String> mapped;
    try {
      name = principalName.apply(token);
    } catch (RuntimeException e) {
      internalError(response, "the principalName function threw " + e.getClass().getName());
      return null;
    }
    try {
      Collection<String> roleNames = roles.apply(token);
      mapped = roleNames == null || roleNames.stream().anyMatch(Objects::isNull) ? null : Set.copyOf(roleNames);
    } catch (RuntimeException e) {
      internalError(response, "the roles function threw " + e.getClass().getName());
      return null;
    }
    if (name == null || mapped == null) {
      internalError(response, "the " + (name == null ? "principalName" : "roles") + " function returned null");
      return null;
    }
    return new IdTokenPrincipal(name, token, mapped);
  }

  /**
   * Answers 500 for a defect of the application's functions. Only the exception's type is logged:
   * its message is the application's and might quote a claim.
   */
  private void internalError(HttpServletResponse response, String what) throws IOException {
    log.warn("Could not authenticate a request, answered 500: {}", what);
    refused(500, "INTERNAL_ERROR");
    answers.internalError(response);
  }

  private static void refused(int status, String code) {
    log.debug("Request refused: {} {}", status, code);
  }

  @Override
  public String toString() {
    return "IdTokenFilter[" + (optional ? "token optional" : "token required")
        + (cookieName != null ? ", cookie" : "") + "]";
  }

  /**
   * Configures an {@link IdTokenFilter}. Not thread-safe. Setters check their argument
   * ({@code NullPointerException} for null, {@code IllegalArgumentException} naming the option for a
   * bad value).
   */
  public static final class Builder {
    private final BiFunction<String, Expectations, ValidationResult> validator;
    private String realm;
    private String cookieName;
    private boolean optional;
    private final List<String> excludedPaths = new ArrayList<>();
    private Function<? super HttpServletRequest, Expectations> expectations = request -> Expectations.none();
    private Function<VerifiedIdToken, String> principalName = VerifiedIdToken::subject;
    private Function<VerifiedIdToken, ? extends Collection<String>> roles = Roles.NONE;

    private Builder(BiFunction<String, Expectations, ValidationResult> validator) {
      this.validator = validator;
    }

    /**
     * The {@code realm} of every challenge (RFC 7235 §2.2; default: none). Recommended: RFC 6750 §3
     * asks for at least one parameter after {@code Bearer}, and without a realm the answer to a
     * request without a token is the bare {@code Bearer} challenge (as Spring Security sends it).
     *
     * @throws IllegalArgumentException if empty, or with a character outside printable ASCII, a
     *     quote or a backslash
     */
    public Builder realm(String realm) {
      Objects.requireNonNull(realm, "realm");
      if (realm.isEmpty() || !Answers.safe(realm).equals(realm)) {
        throw new IllegalArgumentException("realm must be non-empty printable ASCII without \" or \\");
      }
      this.realm = realm;
      return this;
    }

    /**
     * Also take the token from this cookie (for browser apps that keep the ID token in an
     * {@code HttpOnly} cookie; default: the {@code Authorization} header only). A request with both
     * the header and the cookie is refused 400 (RFC 6750 §2: one method per request); an empty
     * cookie counts as none.
     *
     * @throws IllegalArgumentException if the name is not an RFC 6265 cookie name
     */
    public Builder tokenCookie(String name) {
      Objects.requireNonNull(name, "tokenCookie");
      if (name.isEmpty() || !name.chars().allMatch(c -> BearerCredential.isTchar((char) c))) {
        throw new IllegalArgumentException("tokenCookie must be a cookie name (RFC 6265 token)");
      }
      this.cookieName = name;
      return this;
    }

    /**
     * Optional mode: a request without any bearer credential goes on to the application
     * unauthenticated ({@code getUserPrincipal()} null) instead of being answered 401. A request
     * that carries a token is still refused when the token is bad (401) or cannot be checked (503).
     * Default: a token is required.
     */
    public Builder allowRequestsWithoutToken() {
      this.optional = true;
      return this;
    }

    /**
     * Paths that pass without a token, matched on the path within the application (servlet path and
     * path info, as the container decoded and normalised it): an exact path ({@code /health}) or a
     * prefix ({@code /public/*}, which matches {@code /public} and everything below it). Adds to
     * earlier calls.
     *
     * @throws IllegalArgumentException if a pattern does not start with {@code /}, or has a
     *     {@code *} anywhere but in a trailing {@code /*}
     */
    public Builder excludePaths(String... patterns) {
      Objects.requireNonNull(patterns, "excludePaths");
      List<String> checked = Arrays.asList(patterns.clone());
      for (String pattern : checked) {
        PathRules.checkPattern(Objects.requireNonNull(pattern, "excludePaths element"));
      }
      excludedPaths.addAll(checked);
      return this;
    }

    /**
     * The expectations of each request (default: none), for example the {@code nonce} kept in the
     * session: {@code request -> Expectations.nonce((String) request.getSession().getAttribute("nonce"))}.
     * Called only for requests that carry a token. If it throws or returns null, the answer is 500.
     */
    public Builder expectations(Function<? super HttpServletRequest, Expectations> expectations) {
      this.expectations = Objects.requireNonNull(expectations, "expectations");
      return this;
    }

    /**
     * The name of the principal (default: {@code sub}, {@link VerifiedIdToken#subject()}). If it
     * throws or returns null, the answer is 500.
     */
    public Builder principalName(Function<VerifiedIdToken, String> principalName) {
      this.principalName = Objects.requireNonNull(principalName, "principalName");
      return this;
    }

    /**
     * Roles from a claim: a top-level claim ({@code rolesClaim("roles")}, {@code rolesClaim("groups")})
     * or one nested in objects, one name per level ({@code rolesClaim("realm_access", "roles")} for
     * Keycloak). Its value is an array of strings or a single string; when it is absent, or anything
     * on the path has another type, the user has no roles. Replaces {@link #roles(Function)}.
     * Default: no roles.
     *
     * @throws IllegalArgumentException if no name is given, or a name is empty
     */
    public Builder rolesClaim(String... path) {
      Objects.requireNonNull(path, "rolesClaim");
      if (path.length == 0) {
        throw new IllegalArgumentException("rolesClaim needs at least one claim name");
      }
      for (String name : path) {
        if (Objects.requireNonNull(name, "rolesClaim element").isEmpty()) {
          throw new IllegalArgumentException("rolesClaim names must not be empty");
        }
      }
      this.roles = new Roles(Arrays.asList(path));
      return this;
    }

    /**
     * Roles computed from the verified token by the application. If it throws or returns null, the
     * answer is 500. Replaces {@link #rolesClaim(String...)}.
     */
    public Builder roles(Function<VerifiedIdToken, ? extends Collection<String>> roles) {
      this.roles = Objects.requireNonNull(roles, "roles");
      return this;
    }

    /** The immutable filter. */
    public IdTokenFilter build() {
      return new IdTokenFilter(this);
    }
  }
}
