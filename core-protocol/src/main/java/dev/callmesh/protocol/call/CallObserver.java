package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.RawJson;

/**
 * Receives the outcome of a call we made. Methods run on the connection's context. After
 * {@link #onCompleted} or {@link #onError}, nothing more is delivered; a non-streaming call also ends
 * with its first {@link #onResponded}.
 */
public interface CallObserver {

  /** One {@code call.responded}, its output decoded. */
  void onResponded(Object output);

  /**
   * One {@code call.responded}, its output as the JSON text that arrived. A relay overrides this to
   * pass the output on without decoding it; by default it is decoded for {@link #onResponded}.
   */
  default void onRespondedRaw(RawJson output) {
    onResponded(output == null ? null : output.decode());
  }

  /** {@code call.completed}: the subscription ended. */
  void onCompleted();

  /** {@code call.error}, a timeout, an abort or the connection's close. */
  void onError(CallException error);
}
