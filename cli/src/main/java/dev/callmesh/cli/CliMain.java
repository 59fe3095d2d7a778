package dev.callmesh.cli;

import dev.callmesh.protocol.util.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar callmesh.jar}: the callmesh command line; its commands are in the README. */
@Command(name = "callmesh", mixinStandardHelpOptions = true, version = "callmesh " + CliMain.VERSION,
    usageHelpAutoWidth = true,
    description = {"Calls operations of spokes through a callmesh hub, and lists what exists.",
        "Connection options (--hub, --key) go before or after the command; they also read",
        "CALLMESH_HUB and CALLMESH_KEY, and an encrypted key reads CALLMESH_KEY_PASSPHRASE."},
    subcommands = {CallCommand.class, StreamCommand.class, FanoutCommand.class, ServicesCommand.class, SchemaCommand.class,
        SpokesCommand.class, KeygenCommand.class, TokenCommand.class, DemoCommand.class, JobCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  callmesh demo",
        "  callmesh --hub tcp://127.0.0.1:7400 --key ~/.ssh/id_ed25519 services",
        "  callmesh call /dev1/fs/readFile '{\"path\":\"README.md\"}'",
        "  callmesh fanout --label role=ci /bash/run '{\"command\":\"uptime\"}'"})
public final class CliMain implements Runnable {

  /** The version printed by {@code --version} and sent in {@code auth.hello}. */
  static final String VERSION = "0.1.0";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  HubOptionsMixin hubOptions;

  @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
      description = "Logs on stderr as 'text' lines or 'json' objects, one per line (default text;"
          + " env CALLMESH_LOG_FORMAT; level: env CALLMESH_LOG_LEVEL, default warn)")
  String logFormat;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
  }

  /** Runs a command; exits 0 on success, 1 when the call failed, 2 on a usage error. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** @return the exit code of the command line */
  public static int run(String... args) {
    CliMain main = new CliMain();
    CommandLine cl = new CommandLine(main);
    cl.setExecutionStrategy(parsed -> {
      try {
        LogFormat.select(main.logFormat); // parsed, and before any command makes a logger
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(parsed.commandSpec().commandLine(), e.getMessage());
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("callmesh: " + ex.getMessage());
        return Output.USAGE;
      }
      return Output.error(ex);
    });
    return cl.execute(args);
  }
}
