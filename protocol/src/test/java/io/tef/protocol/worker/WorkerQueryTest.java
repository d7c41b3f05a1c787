package io.tef.protocol.worker;

import io.tef.protocol.ValidationException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerQueryTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "product.*, product.importer, true",
      "product.*, product., true",
      "product.*, product, false",
      "product.*, products.importer, false",
      "*er, importer, true",
      "*er, imported, false",
      "im*er, importer, true",
      "im*er, imer, true",
      "im*er, imr, false",
      "ab*ba, aba, false",
      "*port*, importer, true",
      "*port*, port, true",
      "*port*, prt, false",
      "a*b*c, aXbYc, true",
      "a*b*c, acbc, true",
      "a*b*c, acb, false",
      "*ab*abc, ababc, true",
      "a**b, ab, true",
      "**a**, bab, true",
      "exact, exact, true",
      "exact, exactly, false",
      "exact, Exact, false",
      "a.c, abc, false",
      "a+b, a+b, true",
      "[x]*, [x]y, true",
      "*, '', true",
      "*, anything, true",
      "***, anything, true",
  })
  void starsMatchAnyRunOfCharacters(String pattern, String value, boolean expected) {
    assertEquals(expected, new Glob(pattern).matches(value));
  }

  @Test
  void aMissingValueMatchesOnlyAStar() {
    assertTrue(new Glob("*").matches(null));
    assertTrue(new Glob("**").matches(null));
    assertFalse(new Glob("a*").matches(null));
    assertFalse(new Glob("a").matches(null));
    WorkerQuery any = WorkerQuery.fromJson(new JsonObject());
    assertTrue(any.matches("w1", null, List.of(), null), "no filter matches a worker without group or status");
    assertFalse(WorkerQuery.fromJson(new JsonObject().put("group", "p*")).matches("w1", null, List.of(), "idle"));
  }

  @Test
  void eachFilterMustMatchAndATaskTypeFilterNeedsOneType() {
    WorkerQuery q = WorkerQuery.fromJson(new JsonObject().put("id", "imp*").put("group", "product.*")
        .put("task_type", "*ize").put("status", "idle"));
    assertTrue(q.matches("importer1", "product.a", List.of("echo", "resize"), "idle"));
    assertFalse(q.matches("importer1", "product.a", List.of("echo"), "idle"));
    assertFalse(q.matches("exporter1", "product.a", List.of("resize"), "idle"));
    assertFalse(q.matches("importer1", "product.a", List.of("resize"), "working"));
    assertEquals("imp*", q.toJson().getString("id"));
    assertEquals("*", WorkerQuery.fromJson(new JsonObject().put("id", "*****")).toJson().getString("id"), "runs of * are one");
  }

  @Test
  void aPatternIsAtMost200Characters() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> WorkerQuery.fromJson(new JsonObject().put("id", "*".repeat(201))));
    assertEquals("id", e.field());
    WorkerQuery.fromJson(new JsonObject().put("id", "*".repeat(200)));
  }

  @Test
  void pathologicalPatternsTakeNoTime() {
    String name = "demo-node-worker-with-a-long-name-".repeat(5);
    List<String> patterns = List.of("*".repeat(15) + "Z", "*".repeat(40) + "Z", "*".repeat(199) + "Z",
        "*a".repeat(99) + "Z", "*-".repeat(99) + "Z", "*e*".repeat(66));
    // Each of these took seconds to forever as a regex of .* parts; here all of them, over 1,000 workers, take microseconds.
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (String p : patterns) {
        WorkerQuery q = WorkerQuery.fromJson(new JsonObject().put("id", p).put("task_type", p));
        for (int i = 0; i < 1000; i++) {
          assertFalse(q.matches(name + i, null, List.of(name, "a".repeat(200)), "idle"), p);
        }
      }
      assertFalse(new Glob("*a".repeat(99) + "Z").matches("a".repeat(100_000)));
      assertTrue(new Glob("*a".repeat(99) + "*").matches("a".repeat(100_000)));
    });
  }

  @Test
  void agreesWithARegexOnEverySmallCase() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      String pattern = random(random, "ab*", 1 + random.nextInt(7));
      String value = random(random, "ab", random.nextInt(8));
      StringBuilder regex = new StringBuilder();
      for (char c : pattern.toCharArray()) {
        regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
      }
      assertEquals(Pattern.matches(regex.toString(), value), new Glob(pattern).matches(value), pattern + " ~ " + value);
    }
  }

  private static String random(Random random, String alphabet, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
