package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code callmesh job start|get|watch|list|abort}: calls that run detached on the hub, kept with their
 * outputs for their owner to read later from anywhere (README, "Jobs").
 */
@Command(name = "job", mixinStandardHelpOptions = true,
    description = {"Starts operations as jobs, which run on the hub without this connection, and reads them back.",
        "A job and its outputs (up to 1 MiB) are kept after it ends (7 days by default), for you alone."},
    subcommands = {JobCommand.Start.class, JobCommand.Get.class, JobWatchCommand.class, JobCommand.ListJobs.class,
        JobCommand.Abort.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  id=$(callmesh job start /dev1/bash/exec '{\"command\":\"make test\"}' | jq -r .job)",
        "  callmesh job watch $id",
        "  callmesh job list --state running"})
final class JobCommand implements Runnable {

  @ParentCommand
  CliMain parent;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a job command is needed: start, get, watch, list or abort");
  }

  /** A {@code job} command: connects to the hub with the main command's options, does one thing, exits. */
  abstract static class Sub implements Callable<Integer> {

    @ParentCommand
    JobCommand job;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** @return what to do once connected, as a future of the exit code */
    abstract Future<Integer> run(CallmeshClient client);

    /** Checks the arguments before connecting; throws a ParameterException for a usage error (exit 2). */
    void prepare() {
    }

    @Override
    public final Integer call() {
      prepare();
      Vertx vertx = Vertx.vertx();
      try {
        return job.parent.hubOptions.connect(vertx)
            .compose(client -> run(client).eventually(() -> client.close().recover(e -> Future.succeededFuture())))
            .recover(err -> Future.succeededFuture(Output.error(err)))
            .await();
      } finally {
        vertx.close();
      }
    }
  }

  /** {@code callmesh job start PATH [JSON]}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = {"Starts an operation as a job and prints {\"job\":ID} at once (exit 0).",
          "The call goes on without this connection. It needs the right to call PATH; its deadline is",
          "--timeout (default 1h)."},
      footer = {"", "Example:", "  callmesh job start /dev1/bash/run '{\"command\":\"sleep 30; echo done\"}'"})
  static final class Start extends Sub {

    @Parameters(index = "0", paramLabel = "PATH", description = "Operation path, e.g. /dev1/bash/exec")
    String path;

    @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "Input object (default {})")
    String json;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "The job's deadline, e.g. 10m (default 1h)")
    String timeout;

    private JsonObject input;

    @Override
    void prepare() {
      input = new JsonObject().put("operationId", path).put("input", CliInput.object(json));
      if (timeout != null) {
        try {
          input.put("timeoutMs", dev.callmesh.protocol.util.Durations.parse(timeout).toMillis());
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
      }
    }

    @Override
    Future<Integer> run(CallmeshClient client) {
      return ClientCommand.print(client.call("/hub/jobs/start", input), Output::result);
    }
  }

  /** {@code callmesh job get ID}. */
  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Prints one of your jobs as JSON: its state, its outputs so far, its error if it failed."},
      footer = {"", "Example:", "  callmesh job get 3q2-JtHn0cB1wH4ZkLxV8aQ1"})
  static final class Get extends Sub {

    @Parameters(index = "0", paramLabel = "ID", description = "The job's id")
    String id;

    @Override
    Future<Integer> run(CallmeshClient client) {
      return ClientCommand.print(client.call("/hub/jobs/get", new JsonObject().put("job", id)), Output::result);
    }
  }

  /** {@code callmesh job list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists your jobs, newest first, as a table (or JSON with --json)."},
      footer = {"", "Example:", "  callmesh job list --state running --limit 10"})
  static final class ListJobs extends Sub {

    @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state: running, completed, failed, aborted")
    String state;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many (default 50)")
    Integer limit;

    @Option(names = "--json", description = "Print the JSON of /hub/jobs/list instead of a table")
    boolean json;

    @Override
    Future<Integer> run(CallmeshClient client) {
      JsonObject input = new JsonObject();
      if (state != null) {
        input.put("state", state);
      }
      if (limit != null) {
        input.put("limit", limit);
      }
      return ClientCommand.print(client.call("/hub/jobs/list", input), out -> json ? Output.result(out) : table((JsonObject) out));
    }

    private static int table(JsonObject out) {
      JsonArray jobs = out.getJsonArray("jobs");
      Table t = new Table("JOB", "STATE", "OPERATION", "STARTED", "ENDED");
      for (int i = 0; i < jobs.size(); i++) {
        JsonObject j = jobs.getJsonObject(i);
        t.row(j.getString("job"), j.getString("state"), j.getString("operationId"), j.getString("startedAt"),
            j.getString("endedAt", "-"));
      }
      t.print();
      return 0;
    }
  }

  /** {@code callmesh job abort ID}. */
  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = {"Aborts one of your running jobs and prints {\"job\",\"state\"}.",
          "A process the job runs is killed; a job that has ended is left as it is."},
      footer = {"", "Example:", "  callmesh job abort 3q2-JtHn0cB1wH4ZkLxV8aQ1"})
  static final class Abort extends Sub {

    @Parameters(index = "0", paramLabel = "ID", description = "The job's id")
    String id;

    @Override
    Future<Integer> run(CallmeshClient client) {
      return ClientCommand.print(client.call("/hub/jobs/abort", new JsonObject().put("job", id)), Output::result);
    }
  }
}
