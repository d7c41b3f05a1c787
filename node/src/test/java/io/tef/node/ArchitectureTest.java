package io.tef.node;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.tef.protocol.Addresses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The module rules of docs/architecture.md, checked on the compiled classes of every module (the
 * node module sees them all): contracts in one place, verticles that know each other only through
 * the event bus, and worker code that carries no store.
 */
class ArchitectureTest {

  /** The verticle modules' packages: none may use another's classes. */
  private static final List<String> VERTICLES = List.of(
      "io.tef.dispatcher", "io.tef.collective", "io.tef.registry", "io.tef.gateway", "io.tef.bridge", "io.tef.zmq", "io.tef.qworker");

  private static final String[] STORE_CODE = {
      "io.tef.core..", "io.tef.store..", "com.mongodb..", "io.vertx.ext.mongo..", "de.bwaldvogel..", "org.h2.."};

  private static JavaClasses tef;

  @BeforeAll
  static void importClasses() {
    // Main code only: test classes come from test-classes folders, or, in a full reactor build, from the modules' -tests.jar.
    tef = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("io.tef");
  }

  @Test
  void theWorkerSdkCarriesNoStore() {
    noClasses().that().resideInAPackage("io.tef.worker..")
        .should().dependOnClassesThat().resideInAnyPackage(STORE_CODE)
        .because("a worker process needs the protocol only (worker-sdk depends on protocol, not core)")
        .check(tef);
  }

  @Test
  void onlyTheNodeRunsTheEmbeddedStore() {
    noClasses().that().resideOutsideOfPackages("io.tef.node..", "io.tef.store.embedded..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tef.store.embedded..", "de.bwaldvogel..", "org.h2..")
        .because("verticles see the store through core's interfaces; which store runs is the node's choice")
        .check(tef);
  }

  @Test
  void theProtocolDependsOnVertxCoreOnly() {
    classes().that().resideInAPackage("io.tef.protocol..")
        .should().onlyDependOnClassesThat().resideInAnyPackage(
            "io.tef.protocol..", "java..", "io.vertx.core..", "com.fasterxml.jackson.core..", "com.cronutils..", "org.slf4j..")
        .because("every door, worker and client depends on the contracts; they must not bring a store or a verticle with them")
        .check(tef);
  }

  @Test
  void verticleModulesDoNotDependOnEachOther() {
    for (String verticle : VERTICLES) {
      String[] others = VERTICLES.stream().filter(v -> !v.equals(verticle)).map(v -> v + "..").toArray(String[]::new);
      noClasses().that().resideInAPackage(verticle + "..")
          .should().dependOnClassesThat().resideInAnyPackage(others)
          .because("verticles talk over the event bus only; the node wires them")
          .check(tef);
    }
  }

  @Test
  void coreAndProtocolKnowNoVerticle() {
    String[] verticles = VERTICLES.stream().map(v -> v + "..").toArray(String[]::new);
    noClasses().that().resideInAnyPackage("io.tef.core..", "io.tef.protocol..", "io.tef.worker..")
        .should().dependOnClassesThat().resideInAnyPackage(verticles)
        .check(tef);
    noClasses().that().resideInAPackage("io.tef.protocol..")
        .should().dependOnClassesThat().resideInAPackage("io.tef.core..")
        .check(tef);
  }

  /**
   * Only the protocol module names addresses: no other main source holds a string literal in an
   * address family of {@link Addresses} ("tef.tasks.", "tef.worker.", ...). A door that needs an
   * address takes the constant, so renaming one is one edit.
   */
  @Test
  void onlyTheProtocolDefinesAddresses() throws Exception {
    Set<String> families = new TreeSet<>();
    for (Field f : Addresses.class.getDeclaredFields()) {
      if (Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String address = (String) f.get(null);
        int second = address.indexOf('.', "tef.".length());
        families.add(second < 0 ? address : address.substring(0, second + 1));
      }
    }
    assertFalse(families.isEmpty());
    Pattern literal = Pattern.compile("\"(tef\\.[^\"]*)\"");
    List<String> found = new ArrayList<>();
    Path root = Path.of("..").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(ArchitectureTest::isMainSourceOutsideProtocol)::iterator) {
        String text = Files.readString(p);
        Matcher m = literal.matcher(text);
        while (m.find()) {
          String value = m.group(1);
          if (families.stream().anyMatch(value::startsWith)) {
            found.add(root.relativize(p) + ": \"" + value + "\"");
          }
        }
      }
    }
    assertEquals(List.of(), found, "addresses belong in protocol's Addresses");
  }

  private static boolean isMainSourceOutsideProtocol(Path p) {
    String s = p.toString().replace('\\', '/');
    return s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/protocol/src/") && !s.contains("/target/");
  }
}
