package dev.idtoken.spring;

import java.util.Objects;

/**
 * An {@code idtoken.*} property is missing or wrong: thrown while the application starts, so that it
 * stops with a message naming the property (Spring Boot prints it as the failure's description).
 *
 * <p>Immutable. The message quotes the property's name and the rule it breaks, never a secret.
 */
public final class IdTokenPropertyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param property the full property name, for example {@code idtoken.clock-skew}
   * @param problem what is wrong with it, for example {@code must be at most 5 minutes}
   * @throws NullPointerException if either is null
   */
  public IdTokenPropertyException(String property, String problem) {
    super("Invalid property '" + Objects.requireNonNull(property, "property") + "': "
        + Objects.requireNonNull(problem, "problem"));
    this.property = property;
    this.problem = problem;
  }

  /** The full name of the property at fault, for example {@code idtoken.issuers[1].client-id}. */
  public String property() {
    return property;
  }

  /** What is wrong with it. */
  public String problem() {
    return problem;
  }
}
