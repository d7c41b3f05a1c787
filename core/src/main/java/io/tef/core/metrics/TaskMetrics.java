package io.tef.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What happens to tasks, counted by the dispatcher that answers for them (so each task once in a
 * cluster). Prometheus names: {@code tef_tasks_submitted_total{task_type,door}},
 * {@code tef_tasks_total{state,task_type}} (endings: completed, failed, cancelled),
 * {@code tef_task_stalls_total}, {@code tef_task_retries_total}, {@code tef_tasks_removed_total{reason}}
 * (retention), and the histograms {@code tef_task_dispatch_latency_seconds} (submit, or the run time
 * it was due, to its worker's start) and {@code tef_task_run_seconds} (start to end), all by task type.
 */
public final class TaskMetrics {

  /** The doors a submission can come through; anything else a header claims counts as the event bus. */
  public static final Set<String> DOORS = Set.of("rest", "amqp", "zmq", "eventbus", "tcp_bridge", "sockjs", "worker");

  private static final Duration[] LATENCY_BUCKETS = NodeMetrics.seconds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
  private static final Duration[] RUN_BUCKETS = NodeMetrics.seconds(0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600);

  private final MeterRegistry registry;
  private final BoundedLabel taskTypes;
  /** Meters by name and labels: a builder's register looks its meter up anew (a few % of a node's CPU at thousands of tasks/s). */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  TaskMetrics(MeterRegistry registry, BoundedLabel taskTypes) {
    this.registry = registry;
    this.taskTypes = taskTypes;
  }

  public void submitted(String taskType, String door) {
    String type = taskTypes.of(taskType);
    String via = door != null && DOORS.contains(door) ? door : "eventbus";
    counter("submitted\u0000" + type + "\u0000" + via, () -> Counter.builder("tef_tasks_submitted")
        .description("Tasks accepted and stored (a repeated guid is not counted again)").tag("task_type", type).tag("door", via)).increment();
  }

  /** A task ended: {@code state} is completed, failed or cancelled. */
  public void ended(String taskType, String state) {
    String type = taskTypes.of(taskType);
    counter("ended\u0000" + type + "\u0000" + state, () -> Counter.builder("tef_tasks").description("Tasks that ended, by final state")
        .tag("state", state).tag("task_type", type)).increment();
  }

  public void stalled(String taskType) {
    String type = taskTypes.of(taskType);
    counter("stalled\u0000" + type, () -> Counter.builder("tef_task_stalls").description("Attempts that ran past their time_limit and were taken back")
        .tag("task_type", type)).increment();
  }

  public void retried(String taskType) {
    String type = taskTypes.of(taskType);
    counter("retried\u0000" + type, () -> Counter.builder("tef_task_retries").description("Failed attempts queued again for another attempt")
        .tag("task_type", type)).increment();
  }

  /** Removed by retention; {@code reason}: the age of a state (completed, failed, cancelled) or max_finished. */
  public void removed(String reason, long count) {
    counter("removed\u0000" + reason, () -> Counter.builder("tef_tasks_removed").description("Finished tasks removed from the store by retention")
        .tag("reason", reason)).increment(count);
  }

  public void started(String taskType, Duration waited) {
    String type = taskTypes.of(taskType);
    timers.computeIfAbsent("latency\u0000" + type, k -> Timer.builder("tef_task_dispatch_latency")
            .description("From a task being due (submitted, or its run time) to its worker starting it")
            .serviceLevelObjectives(LATENCY_BUCKETS).tag("task_type", type).register(registry))
        .record(waited.isNegative() ? Duration.ZERO : waited);
  }

  public void ran(String taskType, Duration ran) {
    String type = taskTypes.of(taskType);
    timers.computeIfAbsent("run\u0000" + type, k -> Timer.builder("tef_task_run").description("From a worker starting a task to its attempt ending")
            .serviceLevelObjectives(RUN_BUCKETS).tag("task_type", type).register(registry))
        .record(ran.isNegative() ? Duration.ZERO : ran);
  }

  private Counter counter(String key, Supplier<Counter.Builder> builder) {
    return counters.computeIfAbsent(key, k -> builder.get().register(registry));
  }
}
