package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.CompletableFuture;

/**
 * One {@code /bash/exec} call: streams each pipe to the sink as it is read (held back while the sink is
 * full), then emits {@code {exitCode}} and completes; a timeout or a failure to start fails the sink.
 */
final class ExecSession extends BashSession<Void> {

  private final OutputSink sink;
  private final FlowGate gate;

  /** @param sink where the outputs go */
  ExecSession(OutputSink sink) {
    this.sink = sink;
    this.gate = new FlowGate(sink);
  }

  @Override
  CompletableFuture<Void> readPipes(Process process) {
    return CompletableFuture.allOf(
        CompletableFuture.runAsync(new StreamPump(process.getInputStream(), "stdout", gate, sink), BashThreads.pool()),
        CompletableFuture.runAsync(new StreamPump(process.getErrorStream(), "stderr", gate, sink), BashThreads.pool()));
  }

  @Override
  void exited(int exitCode, Void pipes) {
    try {
      // the exit code counts against the caller's window like any output
      if (!gate.awaitWritable()) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    sink.emit(new JsonObject().put("exitCode", exitCode));
    sink.complete();
  }

  @Override
  void failed(CallException error) {
    gate.close();
    sink.fail(error);
  }

  @Override
  void aborted(String reason) {
    // the stream has ended on the caller's side (the sink ignores anything more): release the pumps
    gate.close();
  }
}
