package dev.idtoken.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Reads granted authorities from one claim of a validated token: {@code roles}, {@code groups}, or a
 * nested claim such as Keycloak's {@code realm_access.roles}.
 *
 * <p>Thread-safe and immutable. The claim may hold a JSON array of strings or one space-separated
 * string. A dotted name is first looked up as a claim of exactly that name (Auth0's namespaced claims
 * such as {@code https://example.com/roles} contain dots), then as a path through nested objects.
 * Anything else (a number, an array of objects) gives no authority from it: a claim of the wrong
 * shape never grants anything. Each value is prefixed (default {@code ROLE_}).
 */
public final class IdTokenAuthoritiesConverter implements Converter<Jwt, Collection<GrantedAuthority>> {
  private final String claim;
  private final String prefix;

  /**
   * A converter reading {@code claim}, prefixing each value with {@code prefix}.
   *
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if the claim name is blank
   */
  public IdTokenAuthoritiesConverter(String claim, String prefix) {
    this.claim = Objects.requireNonNull(claim, "claim");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (claim.isBlank()) {
      throw new IllegalArgumentException("claim must not be blank");
    }
  }

  @Override
  public Collection<GrantedAuthority> convert(Jwt jwt) {
    Object value = find(jwt.getClaims());
    List<GrantedAuthority> authorities = new ArrayList<>();
    if (value instanceof String text) {
      for (String part : text.trim().split("\\s+")) {
        add(authorities, part);
      }
    } else if (value instanceof Collection<?> values) {
      for (Object element : values) {
        if (element instanceof String text) {
          add(authorities, text);
        }
      }
    }
    return List.copyOf(authorities);
  }

  private Object find(Map<String, Object> claims) {
    if (claims.containsKey(claim) || claim.indexOf('.') < 0) {
      return claims.get(claim);
    }
    Object current = claims;
    for (String segment : claim.split("\\.", -1)) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(segment);
    }
    return current;
  }

  private void add(List<GrantedAuthority> authorities, String value) {
    if (!value.isBlank()) {
      authorities.add(new SimpleGrantedAuthority(prefix + value));
    }
  }

  @Override
  public String toString() {
    return "IdTokenAuthoritiesConverter[claim=" + claim + ", prefix=" + prefix + "]";
  }
}
