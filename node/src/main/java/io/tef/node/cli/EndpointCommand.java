package io.tef.node.cli;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.tef.core.config.ConfigException;
import io.tef.core.config.ConfigLoader;
import io.tef.core.config.TefConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tef endpoint}: a tasker endpoint (tasker's bin/manager). It subscribes to the fanout
 * exchange of its task type and answers each task CREATED, then FINISHED.
 */
@Command(name = "endpoint", mixinStandardHelpOptions = true,
    description = {"Runs a tasker endpoint: its queue tasker.<TYPE>.<NAME> is bound to the fanout exchange tasker.<TYPE>;",
        "each task is printed, answered CREATED, its payload echoed back as FINISHED (or, with --fail, errnr 1 and errmsg).",
        "The broker is TEF_AMQP_URL (else TEF_AMQP_URL_<ENV>, else amqp.url of the configuration), as for the node's bridge."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "1:cannot reach the broker, or lost it", "2:bad option or configuration"})
final class EndpointCommand implements Callable<Integer> {

  private static final String NAME = "[A-Za-z0-9_.-]{1,100}";

  @Spec
  CommandSpec spec;

  @Option(names = {"-e", "--endpoint"}, required = true, paramLabel = "NAME", description = "This endpoint's name (its responses carry it).")
  String endpoint;

  @Option(names = {"-t", "--tasktype"}, required = true, paramLabel = "TYPE", description = "The tasker task type to subscribe to.")
  String taskType;

  @Option(names = "--fail", description = "Answer every task FINISHED with errnr 1 and an errmsg instead of echoing its payload.")
  boolean fail;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    if (!endpoint.matches(NAME)) {
      err.println("tef endpoint: --endpoint must be 1 to 100 letters, digits, _ . or -, got '" + endpoint + "'");
      return 2;
    }
    if (!taskType.matches("[A-Za-z0-9_-]{1,100}")) {
      err.println("tef endpoint: --tasktype must be 1 to 100 letters, digits, _ or -, got '" + taskType + "'");
      return 2;
    }
    TefConfig config;
    try {
      config = ConfigLoader.loadBlocking(System.getenv(), Map.of());
    } catch (ConfigException e) {
      err.println("tef endpoint: " + e.getMessage());
      return 2;
    }
    TefConfig.Amqp amqp = config.amqp();
    if (!amqp.enabled()) {
      err.println("tef endpoint: no broker: set TEF_AMQP_URL (e.g. amqp://guest:guest@127.0.0.1:5672)");
      return 2;
    }
    if (!config.tasker().taskTypes().isEmpty() && !config.tasker().taskTypes().contains(taskType)) {
      err.println("tef endpoint: warning: " + taskType + " is not in this configuration's tasker.task_types " + config.tasker().taskTypes());
    }
    Connection connection;
    try {
      connection = connectionFactory(amqp).newConnection("tef-endpoint-" + endpoint);
    } catch (Exception e) {
      err.println("tef endpoint: cannot reach the broker " + TefConfig.redacted(amqp.url()) + ": " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    boolean[] byUs = {false};
    connection.addShutdownListener(cause -> stopped.countDown());
    Thread hook = new Thread(() -> {
      byUs[0] = true;
      try {
        connection.close();
      } catch (Exception ignored) {
        // already closed
      }
      stopped.countDown();
    });
    Runtime.getRuntime().addShutdownHook(hook);
    try (TaskerEndpoint ep = new TaskerEndpoint(connection, endpoint, taskType, fail, spec.commandLine().getOut())) {
      ep.start();
      stopped.await();
    } catch (Exception e) {
      err.println("tef endpoint: " + e.getMessage());
      return 1;
    }
    if (!byUs[0]) {
      err.println("tef endpoint: lost the broker connection");
      return 1;
    }
    return 0;
  }

  /** The URL as the bridge reads it: credentials given apart from the URL (TEF_AMQP_USER) apply when it names none. */
  static ConnectionFactory connectionFactory(TefConfig.Amqp amqp) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(amqp.url().trim());
    java.net.URI uri = new java.net.URI(amqp.url().trim());
    if (uri.getRawUserInfo() == null) {
      f.setUsername(amqp.user() == null || amqp.user().isBlank() ? "guest" : amqp.user());
      f.setPassword(amqp.password() == null || amqp.password().isBlank() ? "guest" : amqp.password());
    }
    f.setConnectionTimeout(5000);
    return f;
  }
}
