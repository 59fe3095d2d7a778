package dev.callmesh.client.impl;

import dev.callmesh.client.CallOptions;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import dev.callmesh.protocol.client.HubSession;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * One call of the client, over as many attempts as it takes: each attempt goes out on the link's current
 * connection (or waits for one), and a retryable failure is tried again as {@link RetryPolicy} says, with
 * what is left of the call's deadline as the attempt's {@code timeoutMs}. The caller's observer hears one
 * outcome, as if there had been one attempt; a final failure after several says how many.
 * <p>
 * Each attempt's outcome counts for its hub's breaker: {@code UNAVAILABLE} as a failure, any other answer as
 * the hub working (an abort of ours, or the loss of the connection, which the link counts, as neither). The state is confined to the link's context; the handle's
 * methods may be called from any thread.
 */
final class ResilientCall implements OutboundCall {

  /** The longest a type look-up made for a retry decision may take. */
  static final long LOOKUP_TIMEOUT_MS = 5_000;

  private final HubLink link;
  private final CallRequest request;
  private final String path;
  private final boolean stream;
  private final CallObserver user;
  private final int maxRetries;
  private final boolean retryMutations;
  private final OperationType declared;
  private final long deadline;
  private final boolean rewriteTimeout;
  private int attempts;
  private Attempt current;
  private volatile OutboundCall call;
  private HubSession session;
  private int hubIndex;
  private boolean responded;
  private boolean waited;
  private boolean done;
  private String abortReason;
  private CallException lastError;
  private long timer = -1;

  ResilientCall(HubLink link, CallRequest request, boolean stream, CallObserver user, CallOptions options) {
    this.link = link;
    this.request = request;
    this.path = request.operationId();
    this.stream = stream;
    this.user = user;
    this.maxRetries = options.getMaxRetries() >= 0 ? options.getMaxRetries() : link.options().getMaxRetries();
    this.retryMutations = options.isRetryMutations();
    this.declared = options.getOperationType();
    Number asked = request.timeoutMs();
    long timeoutMs = options.getTimeoutMs() > 0 ? options.getTimeoutMs()
        : asked != null ? asked.longValue() : stream ? 0 : link.defaultTimeoutMs();
    this.deadline = timeoutMs > 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs) : 0;
    this.rewriteTimeout = options.getTimeoutMs() > 0;
  }

  /** @return the call, started: its first attempt goes out on the link's context */
  ResilientCall start() {
    link.active().incrementAndGet();
    link.onContext(this::attempt);
    return this;
  }

  /** Makes a {@code /services/schema} look-up: one attempt, a query, completing {@code result}. */
  static void lookup(HubLink link, JsonObject request, Promise<Object> result) {
    new ResilientCall(link, CallRequest.of(request), false, CallObserver.completing(result),
        new CallOptions().setMaxRetries(0).setOperationType(OperationType.QUERY)).start();
  }

  private void attempt() {
    timer = -1;
    if (done) {
      return;
    }
    if (abortReason != null) {
      finish(CallException.of(ErrorCode.ABORTED, "aborted: " + abortReason));
      return;
    }
    attempts++;
    link.dispatch(this);
  }

  /** Sends the attempt on a connection. Called by the link, on its context. */
  void sendOn(HubSession session, int index) {
    cancelTimer();
    if (done) {
      return;
    }
    long remaining = remainingMs();
    if (remaining <= 0) {
      // Between attempts: the last attempt's failure says more than the deadline does.
      finish(lastError != null ? lastError
          : CallException.of(ErrorCode.TIMEOUT, "the deadline of " + path + " passed before it could be sent"));
      return;
    }
    this.session = session;
    hubIndex = index;
    CallRequest r = deadline != 0 && (attempts > 1 || waited || rewriteTimeout)
        ? request.with("timeoutMs", remaining) : request;
    current = new Attempt();
    call = session.engine().open(r, stream, current);
  }

  /** The attempt could not be sent (no hub in time, the client closed): the call fails, not tried again. */
  void cannotSend(CallException e) {
    cancelTimer();
    finish(e);
  }

  /** The attempt waits for a connection; {@code waitTimer} ends the wait. */
  void waitFor(long waitTimer) {
    waited = true;
    timer = waitTimer;
  }

  /** @return what is left of the deadline in milliseconds, {@link Long#MAX_VALUE} for none */
  long remainingMs() {
    return deadline == 0 ? Long.MAX_VALUE : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }

  private void failed(CallException e) {
    lastError = e;
    // A lost connection counts once for its hub (the link sees it), not once per call that was on it.
    if (abortReason == null && !session.engine().transport().isClosed()) {
      if (e.is(ErrorCode.UNAVAILABLE)) {
        link.breakers().failure(hubIndex, e);
      } else {
        link.breakers().success(hubIndex);
      }
    }
    if (abortReason != null || link.closed() || !RetryPolicy.mayRetry(e, attempts, maxRetries, responded)) {
      finish(e);
      return;
    }
    OperationType type = declared != null ? declared : link.types().known(path);
    if (type != null || retryMutations) {
      retryOrFinish(e, type);
    } else {
      link.types().resolve(path, Math.min(remainingMs(), LOOKUP_TIMEOUT_MS))
          .onComplete(ar -> onLink(() -> retryOrFinish(e, ar.result())));
    }
  }

  private void retryOrFinish(CallException e, OperationType type) {
    if (done) {
      return;
    }
    long delay = abortReason != null ? RetryPolicy.NO_RETRY
        : link.policy().nextDelay(e, attempts, maxRetries, responded, type, retryMutations, remainingMs());
    if (delay == RetryPolicy.NO_RETRY) {
      finish(e);
      return;
    }
    link.emit(new ClientEvent(ClientEvent.Kind.RETRYING, link.urls().get(hubIndex), e, path, attempts, delay));
    timer = link.vertx().setTimer(Math.max(1, delay), t -> attempt());
  }

  /** Ends the call; @return whether it had not ended before */
  private boolean end() {
    if (done) {
      return false;
    }
    done = true;
    cancelTimer();
    link.active().decrementAndGet();
    return true;
  }

  private void finish(CallException e) {
    if (end()) {
      user.onError(attempts > 1 ? new CallException(e.code(), e.getMessage() + " (after " + attempts + " attempts)",
          e.retryable(), e.details()) : e);
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      link.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  private void onLink(Runnable action) {
    link.onContext(action);
  }

  @Override
  public String id() {
    OutboundCall c = call;
    return c == null ? "" : c.id();
  }

  @Override
  public void abort(String reason) {
    onLink(() -> {
      if (done) {
        return;
      }
      abortReason = reason == null ? "aborted by the caller" : reason;
      OutboundCall c = current == null ? null : call;
      if (c != null) {
        c.abort(reason); // the engine ends the attempt with ABORTED, which ends the call
      } else {
        link.unwait(this);
        finish(CallException.of(ErrorCode.ABORTED, "aborted before it was sent: " + abortReason));
      }
    });
  }

  @Override
  public void credit(long n) {
    onLink(() -> {
      OutboundCall c = current == null ? null : call;
      if (c != null) {
        c.credit(n);
      }
    });
  }

  /** The observer of one attempt; what comes after the attempt was replaced is ignored. */
  private final class Attempt implements CallObserver {
    @Override
    public void onResponded(Object output) {
      onLink(() -> {
        if (current != this || done) {
          return;
        }
        if (!responded) {
          responded = true;
          link.breakers().success(hubIndex);
        }
        if (!stream) {
          current = null;
          end();
        }
        user.onResponded(output);
      });
    }

    @Override
    public void onCompleted() {
      onLink(() -> {
        if (current != this || done) {
          return;
        }
        current = null;
        link.breakers().success(hubIndex);
        end();
        user.onCompleted();
      });
    }

    @Override
    public void onError(CallException error) {
      onLink(() -> {
        if (current != this || done) {
          return;
        }
        current = null;
        failed(error);
      });
    }
  }
}
