package io.tef.protocol;

/** The TEF wire protocol's AMQP names, all prefixed {@code tef.<env>}. */
public record AmqpNames(String env) {

  /** The header a dead-lettered message carries its reason in. */
  public static final String REASON_HEADER = "x-tef-reason";
  /** The header naming the queue a dead-lettered message came from. */
  public static final String SOURCE_HEADER = "x-tef-source-queue";
  /** Workers publish their results to their type's exchange with this routing key (TEF's). */
  public static final String RESULT_ROUTING_KEY = "task";

  public String prefix() {
    return "tef." + env;
  }

  public String managerQueue() {
    return prefix() + ".manager";
  }

  public String taskQueueControl() {
    return prefix() + ".task_queue.control";
  }

  public String dispatcherControl() {
    return prefix() + ".dispatcher.control";
  }

  public String workerControl() {
    return prefix() + ".worker.control";
  }

  /** Every input queue: the manager queue and TEF's older three; one handler, routed by {@code type}. */
  public java.util.List<String> inputQueues() {
    return java.util.List.of(managerQueue(), taskQueueControl(), dispatcherControl(), workerControl());
  }

  public String deadLetter() {
    return prefix() + ".dead_letter";
  }

  /** The topic exchange workers of a type publish their results to (routing key {@code task}). */
  public String workerGeneratedMessages(String workerType) {
    return prefix() + "." + workerType + ".worker_generated_messages";
  }

  /** The bridge's durable queue bound to a worker type's results exchange. */
  public String resultsQueue(String workerType) {
    return prefix() + ".manager." + workerType + ".results";
  }

  public String keeperQueue(String type) {
    return prefix() + ".keeper." + type;
  }

  /** tasker's fanout exchange for a type (tasker's name, without the {@code tef.<env>} prefix): every endpoint bound to it gets every task. */
  public static String taskerExchange(String taskType) {
    return "tasker." + taskType;
  }

  /** An endpoint's own durable queue, bound to its type's fanout exchange: what it misses while away waits there. */
  public static String taskerEndpointQueue(String taskType, String endpoint) {
    return taskerExchange(taskType) + "." + endpoint;
  }

  /** The queue endpoints publish their responses (CREATED, FINISHED) to; each task names it as {@code responses_to}. */
  public String taskerResponses() {
    return prefix() + ".tasker.responses";
  }
}
