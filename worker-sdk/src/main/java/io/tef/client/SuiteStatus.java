package io.tef.client;

import io.tef.protocol.task.TaskState;

import java.util.List;
import java.util.Map;

/** A suite: its tasks counted by state, and its newest tasks (as many as asked for). */
public record SuiteStatus(String suiteGuid, long total, Map<TaskState, Long> counts, List<TaskView> tasks) {
}
