package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;

/**
 * Receives the outcome of a call we made. Methods run on the connection's context. After
 * {@link #onCompleted} or {@link #onError}, nothing more is delivered; a non-streaming call also ends
 * with its first {@link #onResponded}.
 */
public interface CallObserver {

  /** One {@code call.responded}. */
  void onResponded(Object output);

  /** {@code call.completed}: the subscription ended. */
  void onCompleted();

  /** {@code call.error}, a timeout, an abort or the connection's close. */
  void onError(CallException error);
}
