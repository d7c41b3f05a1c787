package io.tef.dispatcher;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per task type, what this dispatcher holds: the due tasks in its queue (how many, and since when
 * the longest-waiting has been due) and its live tasks by state ({@link StateCounts}, kept as they
 * change), read where the state lives (the dispatcher's loop) by whoever reports it: the metrics'
 * timer and the state query.
 */
record TypeCensus(Map<String, long[]> queues, Map<String, Map<String, Integer>> byState) {

  static TypeCensus of(LiveTasks live) {
    return new TypeCensus(live.queue().depthAndOldest(), live.countsByState());
  }

  /** How many of a type are in a state. */
  int count(String taskType, String state) {
    return byState.getOrDefault(taskType, Map.of()).getOrDefault(state, 0);
  }

  /** {@code {type: {depth, oldest_age_seconds}}} as of {@code nowMs}. */
  JsonObject queuesJson(long nowMs) {
    JsonObject out = new JsonObject();
    new TreeMap<>(queues).forEach((type, d) ->
        out.put(type, new JsonObject().put("depth", d[0]).put("oldest_age_seconds", Math.max(0, nowMs - d[1]) / 1000.0)));
    return out;
  }

  /** {@code {type: {state: n}}}. */
  JsonObject byStateJson() {
    JsonObject out = new JsonObject();
    byState.forEach((type, states) -> out.put(type, new JsonObject(new LinkedHashMap<>(states))));
    return out;
  }
}
