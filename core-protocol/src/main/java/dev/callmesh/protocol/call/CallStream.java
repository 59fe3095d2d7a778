package dev.callmesh.protocol.call;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * A subscription as a Vert.x {@link ReadStream} of outputs, with flow control end to end: the call is
 * opened with a {@code window}, and outputs are credited back ({@code call.credit}) only as the
 * stream's handler consumes them. {@link #pause()} therefore stops the handler on the spoke after at
 * most {@code window} more outputs, and {@link #fetch(long)} lets exactly that many more through.
 * <p>
 * The stream ends with {@code endHandler} on {@code call.completed}, or {@code exceptionHandler} with a
 * {@link CallException} on {@code call.error}, a timeout or a lost connection; an end that comes before its
 * handler is set is delivered when it is set. Methods may be called
 * from any thread; handlers run on the connection's context.
 */
public final class CallStream implements ReadStream<Object> {

  /** The window a stream asks for unless told otherwise. */
  public static final int DEFAULT_WINDOW = 64;

  private final Context context;
  private final int window;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private OutboundCall call;
  private long demand = Long.MAX_VALUE;
  private int consumedSinceCredit;
  private boolean completed;
  private CallException error;
  private boolean ended;
  private Handler<Object> handler;
  private Handler<Throwable> exceptionHandler;
  private Handler<Void> endHandler;

  private CallStream(Context context, int window) {
    this.context = context;
    this.window = window;
  }

  /**
   * Opens a subscription.
   *
   * @param engine the connection
   * @param request the {@code call.requested} payload; its {@code window} is set here
   * @param window how many outputs may be in flight before the handler must wait, at least 1
   * @return the stream, flowing once a handler is set
   */
  public static CallStream open(CallEngine engine, JsonObject request, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1");
    }
    CallStream stream = new CallStream(engine.transport().context(), window);
    stream.call = engine.open(request.copy().put("window", window), true, stream.new Observer());
    return stream;
  }

  /** Cancels the subscription: the handler on the other side is stopped. */
  public void abort(String reason) {
    call.abort(reason);
  }

  @Override
  public CallStream handler(Handler<Object> handler) {
    onContext(() -> {
      this.handler = handler;
      drain();
    });
    return this;
  }

  @Override
  public CallStream exceptionHandler(Handler<Throwable> handler) {
    onContext(() -> {
      this.exceptionHandler = handler;
      drain();
    });
    return this;
  }

  @Override
  public CallStream endHandler(Handler<Void> handler) {
    onContext(() -> {
      this.endHandler = handler;
      drain();
    });
    return this;
  }

  @Override
  public CallStream pause() {
    onContext(() -> demand = 0);
    return this;
  }

  @Override
  public CallStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public CallStream fetch(long amount) {
    onContext(() -> {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      drain();
    });
    return this;
  }

  private void drain() {
    while (demand > 0 && handler != null && !queue.isEmpty()) {
      Object next = queue.poll();
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      if (++consumedSinceCredit >= Math.max(1, window / 2) && error == null && !completed) {
        call.credit(consumedSinceCredit);
        consumedSinceCredit = 0;
      }
      handler.handle(next);
    }
    if (queue.isEmpty() && !ended && (completed || error != null)) {
      // An end that comes before its handler is set waits for it (the handlers may be set in any order).
      if (error != null && exceptionHandler != null) {
        ended = true;
        exceptionHandler.handle(error);
      } else if (error == null && endHandler != null) {
        ended = true;
        endHandler.handle(null);
      }
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** Receives the call's events on the connection's context. */
  private final class Observer implements CallObserver {
    @Override
    public void onResponded(Object output) {
      queue.add(output);
      drain();
    }

    @Override
    public void onCompleted() {
      completed = true;
      drain();
    }

    @Override
    public void onError(CallException e) {
      error = e;
      drain();
    }
  }
}
