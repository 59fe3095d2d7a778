package dev.callmesh.spoke.testing;

import dev.callmesh.operations.OperationContext;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@link OperationContext} for calling handlers directly in tests, whose abort the test fires with
 * {@link #abort()}. It has no caller and empty metadata.
 * <p>
 * Safe to use from any thread: handlers register abort handlers from their own threads while the test
 * aborts from its thread. As the real context does, it aborts at most once, and runs a handler
 * registered after the abort at once with the abort's reason.
 */
public final class TestContext implements OperationContext {

  /** The request id unless one is given. */
  public static final String REQUEST_ID = "test-1";
  /** The operation path unless one is given. */
  public static final String OPERATION = "/test";
  /** The reason {@link #abort()} gives. */
  public static final String ABORT_REASON = "test abort";

  private final Vertx vertx;
  private final String operation;
  private final String requestId;
  private final List<Handler<String>> abortHandlers = new ArrayList<>();
  private volatile String abortReason;

  /**
   * A context with request id {@value #REQUEST_ID} and operation {@value #OPERATION}.
   *
   * @param vertx what {@link #vertx()} returns; may be {@code null} for handlers that do not use it
   */
  public TestContext(Vertx vertx) {
    this(vertx, OPERATION);
  }

  /**
   * A context with request id {@value #REQUEST_ID}.
   *
   * @param vertx what {@link #vertx()} returns; may be {@code null}
   * @param operation the operation path, e.g. {@code /fs/readFile}
   */
  public TestContext(Vertx vertx, String operation) {
    this(vertx, operation, REQUEST_ID);
  }

  /**
   * @param vertx what {@link #vertx()} returns; may be {@code null}
   * @param operation the operation path, e.g. {@code /fs/watch}
   * @param requestId the request id; handlers name their threads after it
   */
  public TestContext(Vertx vertx, String operation, String requestId) {
    this.vertx = vertx;
    this.operation = operation;
    this.requestId = requestId;
  }

  /** Aborts the call with the reason {@value #ABORT_REASON}; see {@link #abort(String)}. */
  public void abort() {
    abort(ABORT_REASON);
  }

  /**
   * Aborts the call, as a caller's {@code call.aborted} does: {@link #isAborted()} turns true and the
   * abort handlers run, on the calling thread, outside any lock. Does nothing once aborted.
   *
   * @param reason what the abort handlers are given
   */
  public void abort(String reason) {
    List<Handler<String>> handlers;
    synchronized (this) {
      if (abortReason != null) {
        return;
      }
      abortReason = reason;
      handlers = new ArrayList<>(abortHandlers);
      abortHandlers.clear();
    }
    handlers.forEach(h -> h.handle(reason));
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String operation() {
    return operation;
  }

  /** @return {@code null}: no hub set a caller */
  @Override
  public JsonObject caller() {
    return null;
  }

  /** @return a new empty object */
  @Override
  public JsonObject metadata() {
    return new JsonObject();
  }

  @Override
  public boolean isAborted() {
    return abortReason != null;
  }

  /**
   * Registers an abort handler; when the call is already aborted it runs at once with the reason.
   *
   * @return this
   */
  @Override
  public OperationContext onAbort(Handler<String> handler) {
    String reason;
    synchronized (this) {
      reason = abortReason;
      if (reason == null) {
        abortHandlers.add(handler);
        return this;
      }
    }
    handler.handle(reason);
    return this;
  }
}
