package dev.idtoken.spring;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class IdTokenPropertyFailureAnalyzerTest {

  @Test
  void analyze_wrappedPropertyFailure_describesAndNamesTheProperty() {
    IdTokenPropertyException cause = new IdTokenPropertyException("idtoken.clock-skew", "must be at most 5 minutes");

    FailureAnalysis analysis = new IdTokenPropertyFailureAnalyzer()
        .analyze(new BeanCreationException("idTokenValidator", "failed", cause));

    assertNotNull(analysis);
    assertSame(cause, analysis.getCause());
    assertTrue(analysis.getDescription().contains("'idtoken.clock-skew' must be at most 5 minutes"),
        analysis.getDescription());
    assertTrue(analysis.getAction().contains("'idtoken.clock-skew'"), analysis.getAction());
  }
}
