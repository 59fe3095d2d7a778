package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OutputSink;
import dev.callmesh.spoke.work.FlowGate;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;

/**
 * Copies one pipe of a process to a sink as {@code {stream, data}} outputs, as the bytes arrive: each read
 * (at most {@link #READ_BYTES} bytes, so at most that many characters) becomes one output, decoded as UTF-8
 * across read boundaries. Before each output it waits at the {@link FlowGate}; once the gate is closed it
 * keeps reading to the end of the pipe but drops the data, so the process is never stuck on a full pipe.
 * Runs on a stream thread until the pipe ends.
 */
final class StreamPump implements Runnable {

  /** Largest read, and so the largest output chunk (in characters). */
  static final int READ_BYTES = 8192;

  private final InputStream in;
  private final String stream;
  private final FlowGate gate;
  private final OutputSink sink;
  private final Utf8Chunks decoder = new Utf8Chunks();
  private boolean dropping;

  /**
   * @param in the pipe
   * @param stream {@code "stdout"} or {@code "stderr"}
   * @param gate the flow control shared by the process's pumps
   * @param sink where the outputs go
   */
  StreamPump(InputStream in, String stream, FlowGate gate, OutputSink sink) {
    this.in = in;
    this.stream = stream;
    this.gate = gate;
    this.sink = sink;
  }

  /** Pumps until the pipe ends (or fails, which counts as its end), then closes it. */
  @Override
  public void run() {
    byte[] buffer = new byte[READ_BYTES];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!dropping) {
          emit(decoder.decode(buffer, 0, n));
        }
      }
    } catch (IOException e) {
      // the pipe was closed under us (the process was killed): its end
    }
    if (!dropping) {
      emit(decoder.finish());
    }
  }

  private void emit(String text) {
    if (text.isEmpty()) {
      return;
    }
    if (!gate.awaitWritable()) {
      dropping = true;
      return;
    }
    sink.emit(new JsonObject().put("stream", stream).put("data", text));
  }
}
