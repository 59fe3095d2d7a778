package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.labels.Labels;
import dev.callmesh.protocol.labels.SpokeGlob;
import dev.callmesh.protocol.util.Durations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code callmesh fanout [--spokes GLOB] [--label K=V]... OPERATION [JSON]}: {@code /hub/fanout}, one JSON line per
 * spoke on stdout as each answers, a summary on stderr; exit 0 when every spoke answered without an error, 1 when
 * any failed (or the fan-out itself did), 2 on a usage error.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
    description = {"Calls one query or mutation on many spokes and prints one JSON line per spoke.",
        "The spokes: those connected that match --spokes and have every --label,",
        "among those you may call (pools are not targets). One line per spoke as it",
        "answers (NDJSON): {\"spoke\":..,\"output\":..} or {\"spoke\":..,\"error\":{..}};",
        "a spoke that does not serve the operation gives an error line (NOT_FOUND).",
        "Then a summary on stderr:  fanout: 5 spokes, 4 ok, 1 failed",
        "Exit 0 when every spoke answered, 1 when any failed, 2 on a usage error.",
        "Ctrl-C aborts the calls still running (exit 130)."},
    footer = {"", "Examples:",
        "  callmesh fanout --label role=ci /bash/run '{\"command\":\"git -C repo pull\"}'",
        "  callmesh fanout --spokes 'dev*' --timeout 10s /fs/stat '{\"path\":\"a.txt\"}'"})
final class FanoutCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "OPERATION", description = "Spoke-relative operation path, e.g. /bash/run")
  String operation;

  @Parameters(index = "1", paramLabel = "JSON", arity = "0..1", description = "Input sent to every spoke (default {})")
  String json;

  @Option(names = "--spokes", paramLabel = "GLOB",
      description = "Spoke names to call: a-z 0-9 -, with * (any run) and ? (one character); default every spoke")
  String spokes;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label the spokes must have (repeatable: all of them)")
  List<String> labels;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Each spoke's deadline, e.g. 10s (default: the hub's, 30s)")
  String timeout;

  @Option(names = "--concurrency", paramLabel = "N", description = "Calls open at once, 1 to 256 (default 32)")
  Integer concurrency;

  @CommandLine.Mixin
  TraceOption trace;

  private JsonObject request;

  /** Checks the arguments: a bad glob, label, duration or count is a usage error told in one line (exit 2). */
  @Override
  void prepare() {
    if (!operation.startsWith("/")) {
      throw new IllegalArgumentException("OPERATION is a spoke-relative path such as /bash/run, not '" + operation + "'");
    }
    JsonObject input = new JsonObject().put("operation", operation).put("input", CliInput.object(json));
    JsonObject target = new JsonObject();
    if (spokes != null) {
      SpokeGlob.check(spokes);
      target.put("spokes", spokes);
    }
    if (labels != null) {
      Map<String, String> want = new LinkedHashMap<>();
      labels.forEach(l -> Labels.put(want, l));
      target.put("labels", new JsonObject(new LinkedHashMap<String, Object>(want)));
    }
    input.put("target", target);
    if (timeout != null) {
      input.put("timeoutMs", Durations.parse(timeout).toMillis());
    }
    if (concurrency != null) {
      if (concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("--concurrency must be from 1 to 256, not " + concurrency);
      }
      input.put("concurrency", concurrency);
    }
    request = trace.applyTo(new JsonObject().put("operationId", "/hub/fanout").put("input", input));
  }

  @Override
  Future<Integer> run(CallmeshClient client) {
    Promise<Integer> exit = Promise.promise();
    int[] counts = new int[2]; // ok, failed
    CallStream stream = client.subscribe(request, CallStream.DEFAULT_WINDOW);
    CountDownLatch finished = new CountDownLatch(1);
    Signals signals = Signals.onInterrupt((signal, code) -> {
      if (finished.getCount() > 0) {
        stream.abort("interrupted by the caller (" + signal + ")"); // the hub aborts the spokes' calls
        System.out.flush();
        summary(counts, " (interrupted)");
        try {
          client.close().await(2, TimeUnit.SECONDS);
        } catch (Exception gone) {
          // the abort was sent or the connection is gone: either way, exit
        }
        Runtime.getRuntime().halt(code);
      }
    });
    stream.endHandler(v -> {
      System.out.flush();
      summary(counts, "");
      exit.tryComplete(counts[1] == 0 ? 0 : Output.FAILED);
    });
    stream.exceptionHandler(err -> {
      System.out.flush();
      if (counts[0] + counts[1] > 0) {
        summary(counts, " before the fan-out failed");
      }
      exit.tryComplete(Output.error(err));
    });
    // last: a fan-out that matches nothing may have ended already, and ends when the handler is set
    stream.handler(entry -> {
      boolean failed = entry instanceof JsonObject o && o.containsKey("error");
      counts[failed ? 1 : 0]++;
      System.out.println(Json.encode(entry));
      if (System.out.checkError()) {
        stream.abort("the output pipe closed");
        exit.tryComplete(Output.FAILED);
      }
    });
    return exit.future().onComplete(ar -> {
      finished.countDown();
      signals.close();
    });
  }

  private static void summary(int[] counts, String note) {
    int n = counts[0] + counts[1];
    System.err.println(n == 0 && note.isEmpty() ? "fanout: 0 spokes (none matched that you may call)"
        : "fanout: " + n + (n == 1 ? " spoke, " : " spokes, ") + counts[0] + " ok, " + counts[1] + " failed" + note);
    System.err.flush();
  }
}
