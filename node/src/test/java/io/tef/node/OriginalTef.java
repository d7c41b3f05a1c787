package io.tef.node;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import java.nio.charset.StandardCharsets;

/**
 * The messages TEF's original Ruby clients put on the wire, byte for byte, and the way they
 * publish them: the manager's README example, the manager's own specs (tef-manager
 * spec/manager_integration_spec.rb), and a keeper's queue as tef-keeper declares it. The Ruby
 * gems publish {@code JSON.generate(hash)} (compact, in the hash's order) through bunny with no
 * content type and no delivery mode; their keys never name anything TEF added.
 */
final class OriginalTef {

  /** The TEF Manager README's example envelope, its {@code number_of_seconds} placeholder included. */
  static final String README_ENVELOPE = """
      {
        "type": "task",
        "task_type": "echo",
        "guid": "a_guid",
        "priority": 5,
        "resources": "pipe|delimited|list",
        "time_limit": number_of_seconds,
        "task_data": "ew0KICAibWVzc2FnZSI6ICJIZWxsbyBXb3JsZCINCn0=",
        "suite_guid": "a_guid"
      }
      """;

  /** Where the parser stops in {@link #README_ENVELOPE}, as Jackson counts it. */
  static final String README_ENVELOPE_AT = "(line 7, column 35)";

  /** tef-manager's "stores the received task in response to a task message": an envelope with an extra {@code data}. */
  static String specTask(String taskType, String guid) {
    return "{\"type\":\"task\",\"task_type\":\"" + taskType + "\",\"guid\":\"" + guid + "\",\"priority\":5,"
        + "\"resources\":\"foo|bar|baz\",\"task_data\":\"ew0KICAibWVzc2FnZSI6ICJIZWxsbyBXb3JsZCINCn0=\","
        + "\"data\":\"manager test suite\"}";
  }

  /** tef-manager's worker_status_message: a worker type with a space and a status of its own making. */
  static String specWorkerStatus(String exchangeName) {
    return "{\"type\":\"worker_status\",\"worker_type\":\"type 1\",\"name\":\"worker_foo\",\"status\":\"some_status\","
        + "\"exchange_name\":\"" + exchangeName + "\"}";
  }

  /** A status as tef-worker's BaseWorker sends it (worker_type, name, status, exchange_name). */
  static String workerStatus(String name, String workerType, String exchangeName, String status) {
    return "{\"type\":\"worker_status\",\"worker_type\":\"" + workerType + "\",\"name\":\"" + name + "\",\"status\":\""
        + status + "\",\"exchange_name\":\"" + exchangeName + "\"}";
  }

  /** Publishes as bunny does: default exchange, routing key = queue, only reply_to and correlation_id set. */
  static void publish(Channel channel, String queue, String body, String replyTo, String correlationId) throws Exception {
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().replyTo(replyTo).correlationId(correlationId).build();
    channel.basicPublish("", queue, props, body.getBytes(StandardCharsets.UTF_8));
  }

  /** tef-keeper's queue: {@code channel.queue("tef.<env>.keeper.<type>", durable: true)}, no arguments. */
  static void declareKeeperQueue(Channel channel, String queue) throws Exception {
    channel.queueDeclare(queue, true, false, false, null);
  }

  private OriginalTef() {
  }
}
