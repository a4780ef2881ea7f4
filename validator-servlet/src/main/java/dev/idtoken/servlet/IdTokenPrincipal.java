package dev.idtoken.servlet;

import dev.idtoken.validator.VerifiedIdToken;
import java.security.Principal;
import java.util.Set;

/**
 * The user of a request that {@link IdTokenFilter} authenticated: what
 * {@code HttpServletRequest.getUserPrincipal()} returns. It holds the {@link VerifiedIdToken}, so the
 * application reads any claim from it without parsing the token again.
 *
 * <p>Immutable and thread-safe. Only the filter creates instances. Its name is the token's
 * {@code sub} unless the filter was built with another {@code principalName}; map the user with
 * {@code token().issuer()} and {@code token().subject()} together, since {@code sub} is unique only
 * within its issuer. {@link #toString()} shows no personal data.
 */
public final class IdTokenPrincipal implements Principal {
  private final String name;
  private final VerifiedIdToken token;
  private final Set<String> roles;

  IdTokenPrincipal(String name, VerifiedIdToken token, Set<String> roles) {
    this.name = name;
    this.token = token;
    this.roles = roles;
  }

  /** The principal's name: by default the token's {@code sub}. */
  @Override
  public String getName() {
    return name;
  }

  /** The verified ID token this principal was authenticated with. */
  public VerifiedIdToken token() {
    return token;
  }

  /** The roles mapped from the token's claims (empty unless the filter was given a roles mapping). */
  public Set<String> roles() {
    return roles;
  }

  @Override
  public String toString() {
    return "IdTokenPrincipal[iss=" + token.issuer() + ", roles=" + roles.size() + "]";
  }
}
