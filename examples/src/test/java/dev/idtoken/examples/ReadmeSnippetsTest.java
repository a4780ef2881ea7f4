package dev.idtoken.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Java block of the root README stands, line for line, in a source file the build compiles. */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");

  @Test
  void readme_everyJavaSnippetIsCompiled() throws IOException {
    List<String> snippets = javaBlocks(Files.readString(ROOT.resolve("README.md")));
    assertFalse(snippets.isEmpty(), "no Java snippets found: is the README where it should be?");
    List<String> sources;
    try (Stream<Path> files = Files.walk(ROOT)) {
      sources = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("src"))
          .filter(p -> !p.toString().contains("target"))
          .map(ReadmeSnippetsTest::read).map(ReadmeSnippetsTest::normalise).collect(Collectors.toList());
    }
    for (String snippet : snippets) {
      String wanted = normalise(snippet);
      assertTrue(sources.stream().anyMatch(s -> s.contains(wanted)),
          () -> "README snippet not found in any compiled source:\n" + snippet);
    }
  }

  private static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = markdown.indexOf("```java\n", at)) >= 0) {
      int end = markdown.indexOf("```", at + 8);
      blocks.add(markdown.substring(at + 8, end));
      at = end + 3;
    }
    return blocks;
  }

  // Indentation differs between a README block and a method body; the lines themselves must not.
  private static String normalise(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
