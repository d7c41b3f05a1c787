package io.tef.core;

/** The TEF wire protocol's AMQP names, all prefixed {@code tef.<env>}. */
public record AmqpNames(String env) {

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

  public String deadLetter() {
    return prefix() + ".dead_letter";
  }

  public String workerGeneratedMessages(String workerType) {
    return prefix() + "." + workerType + ".worker_generated_messages";
  }

  public String keeperQueue(String type) {
    return prefix() + ".keeper." + type;
  }
}
