package dev.callmesh.cli;

import dev.callmesh.client.CallmeshClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ParentCommand;

/** A command that connects to a hub, does one thing, prints the result and exits. */
abstract class ClientCommand implements Callable<Integer> {

  @ParentCommand
  CliMain parent;

  /** @return what to do once connected, as a future of the exit code */
  abstract Future<Integer> run(CallmeshClient client);

  /** Checks the arguments before connecting; throws a ParameterException for a usage error (exit 2). */
  void prepare() {
  }

  /** @return whether the command talks to the hub; when not, {@link #runOffline} runs instead */
  boolean needsConnection() {
    return true;
  }

  /** Runs without a hub, with the key loaded; only called when {@link #needsConnection()} is false. */
  Integer runOffline(dev.callmesh.protocol.auth.SshKeyPair key) {
    throw new UnsupportedOperationException();
  }

  @Override
  public final Integer call() {
    prepare();
    if (!needsConnection()) {
      try {
        return runOffline(parent.hubOptions.loadKey());
      } catch (IllegalArgumentException usage) {
        throw usage;
      } catch (Exception e) {
        return Output.error(e);
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      return parent.hubOptions.connect(vertx)
          .compose(client -> run(client).eventually(() -> client.close().recover(e -> Future.succeededFuture())))
          .recover(err -> Future.succeededFuture(Output.error(err)))
          .await();
    } finally {
      vertx.close();
    }
  }

  /** @return a future of the exit code after printing the output or the error */
  static Future<Integer> print(Future<Object> result, Function<Object, Integer> printer) {
    return result.map(printer).recover(err -> Future.succeededFuture(Output.error(err)));
  }
}
