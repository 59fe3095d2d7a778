package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.Promise;

/**
 * Receives the outcome of a call we made. Methods run on the connection's context. After
 * {@link #onCompleted} or {@link #onError}, nothing more is delivered; a non-streaming call also ends
 * with its first {@link #onResponded}.
 */
public interface CallObserver {

  /**
   * @param result completed with the first output (with {@code null} when a stream completes without
   *     one), or failed with the {@link CallException}
   * @return an observer of a query or mutation that settles the promise once
   */
  static CallObserver completing(Promise<Object> result) {
    return new CallObserver() {
      @Override
      public void onResponded(Object output) {
        result.tryComplete(output);
      }

      @Override
      public void onCompleted() {
        result.tryComplete(null);
      }

      @Override
      public void onError(CallException error) {
        result.tryFail(error);
      }
    };
  }

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
