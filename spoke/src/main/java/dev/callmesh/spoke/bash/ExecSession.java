package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationContext;
import dev.callmesh.operations.OutputSink;
import dev.callmesh.protocol.CallException;
import dev.callmesh.spoke.work.FlowGate;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;

/**
 * One {@code /bash/exec} call: streams each pipe to the sink as it is read (held back at the call's
 * {@link FlowGate} while the caller takes no more), then emits {@code {exitCode}} and completes; a timeout
 * or a failure to start fails the sink.
 */
final class ExecSession extends BashSession {

  private final OutputSink sink;
  private final FlowGate gate;

  /**
   * Makes the call's flow gate: call it on the handler's thread.
   *
   * @param workers where the command runs
   * @param ctx the call
   * @param sink where the outputs go
   */
  ExecSession(SpokeWorkers workers, OperationContext ctx, OutputSink sink) {
    super(workers);
    this.sink = sink;
    this.gate = new FlowGate(ctx, sink);
  }

  @Override
  void pump(InputStream pipe, String stream) {
    new StreamPump(pipe, stream, gate, sink).run();
  }

  @Override
  void exited(int exitCode) {
    // the exit code counts against the caller's window like any output
    if (gate.awaitWritable()) {
      sink.emit(new JsonObject().put("exitCode", exitCode));
      sink.complete();
    }
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
