package io.tef.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code java -jar tef.jar <command>}: the one entry point of the runnable jar. */
@Command(name = "tef", mixinStandardHelpOptions = true, versionProvider = TefCommand.Version.class,
    description = "TEF, a task execution fabric: clients submit tasks, a dispatcher hands each to a worker that can run it.",
    subcommands = {NodeCommand.class, WorkerCommand.class, WorkersCommand.class, EndpointCommand.class, ZmqKeysCommand.class, CommandLine.HelpCommand.class})
public final class TefCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    LogSetup.early(args, System.getenv());
    configureLogging();
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new TefCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  /** conf/logback.xml of the working folder when there is one, else the copy in the jar. */
  private static void configureLogging() {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    if (System.getProperty("logback.configurationFile") == null) {
      Path local = Path.of("conf", "logback.xml");
      System.setProperty("logback.configurationFile", Files.isRegularFile(local) ? local.toAbsolutePath().toString() : "conf/logback.xml");
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TefCommand.class.getPackage().getImplementationVersion();
      return new String[] {"tef " + (v == null ? "development build" : v)};
    }
  }
}
