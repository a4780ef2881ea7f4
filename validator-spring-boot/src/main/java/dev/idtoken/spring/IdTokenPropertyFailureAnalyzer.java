package dev.idtoken.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a failed start caused by a wrong {@code idtoken.*} property as Spring Boot's own property errors are. */
final class IdTokenPropertyFailureAnalyzer extends AbstractFailureAnalyzer<IdTokenPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, IdTokenPropertyException cause) {
    return new FailureAnalysis(
        "The property '" + cause.property() + "' " + cause.problem() + ".",
        "Update the property '" + cause.property() + "' in your application's configuration"
            + " (see the idtoken.* properties in the validator-spring-boot README).",
        cause);
  }
}
