package dev.idtoken.servlet;

import dev.idtoken.validator.VerifiedIdToken;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Roles read from a claim, or from a claim nested in objects (Keycloak's {@code realm_access.roles}). */
final class Roles implements Function<VerifiedIdToken, Set<String>> {
  static final Function<VerifiedIdToken, Set<String>> NONE = token -> Set.of();

  private final List<String> path;

  Roles(List<String> path) {
    this.path = List.copyOf(path);
  }

  /**
   * The strings of the array (or the single string) at the path; no roles when the path is absent or
   * anything on it has another JSON type, so a malformed claim never grants a role.
   */
  @Override
  public Set<String> apply(VerifiedIdToken token) {
    Object node = token.claim(path.get(0), Object.class).orElse(null);
    for (int i = 1; i < path.size() && node != null; i++) {
      node = node instanceof Map<?, ?> object ? object.get(path.get(i)) : null;
    }
    if (node instanceof String role) {
      return Set.of(role);
    }
    if (!(node instanceof List<?> list)) {
      return Set.of();
    }
    Set<String> roles = new LinkedHashSet<>();
    for (Object element : list) {
      if (!(element instanceof String role)) {
        return Set.of();
      }
      roles.add(role);
    }
    return Set.copyOf(roles);
  }
}
