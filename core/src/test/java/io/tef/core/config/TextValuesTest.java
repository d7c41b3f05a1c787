package io.tef.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values given as text (--set key=value, TEF_* variables) for list and map keys, read the same way on both paths. */
class TextValuesTest {

  @TempDir
  Path dir;

  private TefConfig load(Map<String, String> variables, Map<String, Object> overrides) throws Exception {
    Files.writeString(dir.resolve("staging.yaml"), "http:\n  port: 9000\n");
    Map<String, String> env = new HashMap<>(variables);
    env.put("TEF_ENV", "staging");
    env.put("TEF_CONFIG", dir.toString());
    return ConfigLoader.loadBlocking(env, overrides);
  }

  private TefConfig set(String key, String value) throws Exception {
    return load(Map.of(), Map.of(key, value));
  }

  @Test
  void aListKeyTakesCommasOrAYamlList() throws Exception {
    assertEquals(List.of("deploy", "backup"), set("tasker.task_types", "deploy,backup").tasker().taskTypes());
    assertEquals(List.of("deploy", "backup"), set("tasker.task_types", "[deploy,backup]").tasker().taskTypes());
    assertEquals(List.of("deploy"), set("tasker.task_types", "[deploy]").tasker().taskTypes());
    assertEquals(List.of("deploy"), set("tasker.task_types", "deploy").tasker().taskTypes());
    assertEquals(List.of(), set("tasker.task_types", "[]").tasker().taskTypes());
    assertEquals(List.of("dispatcher", "gateway"), set("node.roles", " dispatcher , gateway ").node().roles());
  }

  @Test
  void environmentVariablesTakeTheSameForms() throws Exception {
    TefConfig c = load(Map.of("TEF_TASKER_TASK_TYPES", "[deploy, backup]", "TEF_NODE_ROLES", "dispatcher,gateway",
        "TEF_RESOURCES", "{db: {limit: 1}}", "TEF_TASK_TYPES", "{email: {max_attempts: 5}}"), Map.of());
    assertEquals(List.of("deploy", "backup"), c.tasker().taskTypes());
    assertEquals(List.of("dispatcher", "gateway"), c.node().roles());
    assertEquals(1, c.resourceDefinitions().get(0).limit());
    assertEquals(5, c.taskDefinitions().get(0).maxAttempts());
  }

  @Test
  void aMapKeyTakesAYamlMapMergedIntoWhatIsThere() throws Exception {
    TefConfig c = load(Map.of(), Map.of("resources", "{db: {limit: 1}, printer: {limit: 2, available: false}}",
        "resources.scanner.limit", "3", "http", "{body_limit: 2048}"));
    Map<String, Integer> limits = new HashMap<>();
    c.resourceDefinitions().forEach(d -> limits.put(d.name(), d.limit()));
    assertEquals(Map.of("db", 1, "printer", 2, "scanner", 3), limits);
    assertEquals(2048, c.http().bodyLimit());
    assertEquals(9000, c.http().port(), "a section given as a map keeps the keys it does not name");
  }

  @Test
  void whatIsNotAListOrAMapIsRefusedNamingTheKey() {
    ConfigException list = assertThrows(ConfigException.class, () -> set("tasker.task_types", "[deploy,"));
    assertEquals("tasker.task_types", list.key());
    ConfigException map = assertThrows(ConfigException.class, () -> set("resources", "[db]"));
    assertEquals("resources", map.key());
    assertTrue(map.getMessage().contains("must be a map"), map.getMessage());
    ConfigException element = assertThrows(ConfigException.class, () -> set("tasker.task_types", "deploy,api"));
    assertEquals("tasker.task_types[1]", element.key(), "each element is checked as one: " + element.getMessage());
  }
}
