package dev.callmesh.client.impl;

import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.client.ConnectOptions;
import dev.callmesh.protocol.client.HubConnector;
import dev.callmesh.protocol.client.HubSession;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's connection: to one hub of its list at a time, replaced when lost. At start it tries the hubs
 * in order and keeps the first that answers. After a loss it dials the next hub (round robin), each dial
 * after a full-jitter wait whose ceiling grows once every hub of a round has failed; a hub whose breaker is
 * open is skipped. Calls made meanwhile wait in a bounded queue, each at most its own deadline and the
 * client's wait limit, and go out on the next connection.
 * <p>
 * Its state is confined to one context, the one the client was made on (the connections are dialled from
 * it and live there too); the fields other threads read are volatile.
 */
final class HubLink {

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final ConnectOptions connect;
  private final HubConnector connector;
  private final List<HubUrl> urls;
  private final HubBreakers breakers;
  private final Backoff reconnectBackoff;
  private final RetryPolicy policy;
  private final OperationTypes types;
  private final WaitingCalls waiting;
  private final AtomicInteger active = new AtomicInteger();
  private final EventSink events = new EventSink();
  private volatile CallmeshClient.Status status = CallmeshClient.Status.CONNECTING;
  /** The session calls go out on; {@code null} while there is none. */
  private volatile HubSession session;
  /** The current session, or the last one while there is none. */
  private volatile HubSession last;
  /** The index in {@link #urls} of {@link #last}. */
  private volatile int index;
  private int next;
  private int failures;
  private long timer = -1;
  private CallException lastFailure;

  /**
   * @param vertx the Vert.x instance
   * @param options the client's options, copied
   */
  HubLink(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = new ClientOptions(options);
    this.connect = options.getConnectOptions();
    this.connector = new HubConnector(vertx, connect);
    this.urls = connect.getHubUrls();
    this.breakers = new HubBreakers(vertx, urls, this.options.getBreakerOptions(), this::emit);
    this.reconnectBackoff = new Backoff(options.getReconnectBaseMs(), options.getReconnectMaxMs(), Backoff.uniform());
    this.policy = new RetryPolicy(new Backoff(options.getRetryBaseMs(), options.getRetryMaxMs(), Backoff.uniform()));
    this.types = new OperationTypes(this::lookup);
    this.waiting = new WaitingCalls(vertx, options.getMaxWaitingCalls());
  }

  /**
   * Connects to the first hub that answers, trying them in order: one that cannot be reached passes the turn
   * to the next, a refusal ends the attempt.
   *
   * @return a future completed once connected; or failed with the refusal, or {@code UNAVAILABLE} naming
   *     every hub tried and why (with one hub, its own failure)
   */
  Future<Void> start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> connectInOrder(0, new ArrayList<>(), started));
    return started.future();
  }

  private void connectInOrder(int i, List<String> failed, Promise<Void> started) {
    dial(i).onComplete(ar -> {
      if (ar.succeeded()) {
        if (welcome(i, ar.result())) {
          started.complete();
        } else {
          started.fail(CallException.of(ErrorCode.UNAVAILABLE, "the client was closed while it connected"));
        }
        return;
      }
      Throwable err = ar.cause();
      if (!HubConnector.unreachable(err) || status == CallmeshClient.Status.CLOSED) {
        started.fail(err);
      } else if (i + 1 < urls.size()) {
        failed.add(err.getMessage());
        connectInOrder(i + 1, failed, started);
      } else {
        failed.add(err.getMessage());
        started.fail(urls.size() == 1 ? err : CallException.of(ErrorCode.UNAVAILABLE,
            "no hub of " + HubUrl.format(urls) + " could be reached: " + String.join("; ", failed)));
      }
    });
  }

  private Future<HubSession> dial(int i) {
    return breakers.guard(i, () -> connector.connect(urls.get(i), connect));
  }

  private boolean welcome(int i, HubSession s) {
    if (status == CallmeshClient.Status.CLOSED) {
      s.close();
      return false;
    }
    failures = 0;
    lastFailure = null;
    index = i;
    next = i;
    last = s;
    session = s;
    status = CallmeshClient.Status.CONNECTED;
    emit(new ClientEvent(ClientEvent.Kind.CONNECTED, urls.get(i), null, null, 0, 0));
    s.closeFuture().onComplete(v -> onContext(() -> lost(i, s)));
    ResilientCall call;
    while (session == s && (call = waiting.poll()) != null) {
      call.sendOn(s, i);
    }
    return true;
  }

  private void lost(int i, HubSession s) {
    if (session != s) {
      return;
    }
    session = null;
    if (status == CallmeshClient.Status.CLOSED) {
      return;
    }
    JsonObject bye = s.engine().peerBye();
    CallException cause = CallException.of(ErrorCode.UNAVAILABLE, bye != null
        ? "the hub " + urls.get(i) + " said bye (" + bye.getString("code") + ": " + bye.getString("message") + ")"
        : "the connection to " + urls.get(i) + " was lost");
    breakers.failure(i, cause);
    lastFailure = cause;
    if (!options.isReconnect()) {
      status = CallmeshClient.Status.DISCONNECTED;
      emit(new ClientEvent(ClientEvent.Kind.DISCONNECTED, urls.get(i), cause, null, 0, 0));
      return;
    }
    status = CallmeshClient.Status.RECONNECTING;
    next = (i + 1) % urls.size();
    long delay = scheduleDial();
    emit(new ClientEvent(ClientEvent.Kind.DISCONNECTED, urls.get(i), cause, null, 0, delay));
  }

  /** @return the wait before the next dial, now scheduled */
  private long scheduleDial() {
    long delay = Math.max(1, reconnectBackoff.delay(failures / urls.size()));
    failures++;
    timer = vertx.setTimer(delay, t -> {
      timer = -1;
      redial();
    });
    return delay;
  }

  private void redial() {
    if (status == CallmeshClient.Status.CLOSED) {
      return;
    }
    int i = next;
    dial(i).onComplete(ar -> {
      if (ar.succeeded()) {
        welcome(i, ar.result());
        return;
      }
      if (status == CallmeshClient.Status.CLOSED) {
        return;
      }
      CallException e = ar.cause() instanceof CallException ce ? ce
          : CallException.of(ErrorCode.UNAVAILABLE, "cannot reach " + urls.get(i) + ": " + ar.cause());
      lastFailure = e;
      next = (i + 1) % urls.size();
      long delay = scheduleDial();
      emit(new ClientEvent(ClientEvent.Kind.CONNECT_FAILED, urls.get(i), e, null, 0, delay));
      if (!HubConnector.unreachable(e)) {
        waiting.failAll(e); // the hub answered with a refusal: the waiting calls would only wait to be refused
      }
    });
  }

  /**
   * Sends a call's next attempt on the current connection, or makes it wait for one, or fails it. Call on
   * the link's context.
   */
  void dispatch(ResilientCall call) {
    HubSession s = session;
    if (s != null && !s.engine().transport().isClosed()) {
      call.sendOn(s, index);
      return;
    }
    if (status == CallmeshClient.Status.CLOSED) {
      call.cannotSend(CallException.of(ErrorCode.UNAVAILABLE, "the client is closed"));
      return;
    }
    if (status == CallmeshClient.Status.DISCONNECTED) {
      call.cannotSend(CallException.of(ErrorCode.UNAVAILABLE, "the connection to " + urls.get(index)
          + " was lost, and this client does not reconnect (ClientOptions.setReconnect(false)); connect a new one"));
      return;
    }
    long wait = Math.min(options.getWaitForHubMs(), call.remainingMs());
    if (wait <= 0) {
      call.cannotSend(notConnected("it may not wait for one"));
    } else if (!waiting.add(call, wait, ms -> notConnected("none was connected within " + ms + " ms"))) {
      call.cannotSend(notConnected(waiting.size() + " calls already wait for one, the most allowed"));
    }
  }

  private CallException notConnected(String detail) {
    return CallException.of(ErrorCode.UNAVAILABLE, "no hub is connected (reconnecting to " + HubUrl.format(urls)
        + (lastFailure == null ? "" : "; last: " + lastFailure.getMessage()) + "), and " + detail);
  }

  /** Forgets a waiting call (it was aborted). Call on the link's context. */
  void unwait(ResilientCall call) {
    waiting.remove(call);
  }

  /** A {@code /services/schema} look-up for {@link OperationTypes}: one attempt, no retries. */
  private Future<Object> lookup(JsonObject request, long timeoutMs) {
    Promise<Object> result = Promise.promise();
    ResilientCall.lookup(this, request.put("timeoutMs", timeoutMs), result);
    return result.future();
  }

  /** Reports an event to the log and to the program's handler. */
  void emit(ClientEvent event) {
    events.emit(event);
  }

  /** Runs the action on the link's context: now when already there, else as soon as it can. */
  void onContext(Runnable action) {
    if (Vertx.currentContext() == context && Context.isOnEventLoopThread()) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /**
   * Stops reconnecting, fails the waiting calls, says {@code bye} on the connection and closes it.
   *
   * @return a future completed once closed; closing again completes at once
   */
  Future<Void> close() {
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      if (status == CallmeshClient.Status.CLOSED) {
        done.complete();
        return;
      }
      status = CallmeshClient.Status.CLOSED;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      waiting.failAll(CallException.of(ErrorCode.UNAVAILABLE, "the client was closed"));
      HubSession s = session;
      session = null;
      emit(new ClientEvent(ClientEvent.Kind.CLOSED, null, null, null, 0, 0));
      (s == null ? Future.<Void>succeededFuture() : s.close())
          .eventually(() -> {
            breakers.close();
            return connector.close();
          })
          .onComplete(done);
    });
    return done.future();
  }

  Vertx vertx() {
    return vertx;
  }

  Context context() {
    return context;
  }

  ClientOptions options() {
    return options;
  }

  HubBreakers breakers() {
    return breakers;
  }

  RetryPolicy policy() {
    return policy;
  }

  OperationTypes types() {
    return types;
  }

  /** @return the calls of this client that have not ended: in flight, waiting, or between attempts */
  AtomicInteger active() {
    return active;
  }

  /** @return the default deadline of queries and mutations, in milliseconds */
  long defaultTimeoutMs() {
    return connect.getEngineOptions().getCallTimeoutMs();
  }

  void eventHandler(Handler<ClientEvent> handler) {
    events.handler(handler);
  }

  CallmeshClient.Status status() {
    return status;
  }

  boolean closed() {
    return status == CallmeshClient.Status.CLOSED;
  }

  /** @return the current session, or the last one while there is none (never {@code null} once started) */
  HubSession lastSession() {
    return last;
  }

  /** @return the hub of {@link #lastSession()} */
  HubUrl hubUrl() {
    return urls.get(index);
  }

  List<HubUrl> urls() {
    return urls;
  }
}
