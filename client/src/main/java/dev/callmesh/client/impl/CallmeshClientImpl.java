package dev.callmesh.client.impl;

import dev.callmesh.client.CallOptions;
import dev.callmesh.client.CallmeshClient;
import dev.callmesh.client.ClientEvent;
import dev.callmesh.client.ClientOptions;
import dev.callmesh.operations.OperationType;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallStream;
import dev.callmesh.protocol.client.HubUrl;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** {@link CallmeshClient} over a {@link HubLink}: each call a {@link ResilientCall}. */
public final class CallmeshClientImpl implements CallmeshClient {

  private final HubLink link;
  private final LinkEngine engine;

  private CallmeshClientImpl(HubLink link) {
    this.link = link;
    this.engine = new LinkEngine(link, new CallOptions());
  }

  /**
   * @return a future of a client connected as {@link CallmeshClient#connect(Vertx, ClientOptions)} says;
   *     on failure everything it opened is closed
   */
  public static Future<CallmeshClient> connect(Vertx vertx, ClientOptions options) {
    HubLink link = new HubLink(vertx, options);
    Promise<CallmeshClient> result = Promise.promise();
    link.start().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(new CallmeshClientImpl(link));
      } else {
        link.close().onComplete(closed -> result.fail(ar.cause()));
      }
    });
    return result.future();
  }

  @Override
  public Future<Object> call(String path, JsonObject input) {
    return engine.call(request(path, input));
  }

  @Override
  public Future<Object> call(String path, JsonObject input, long timeoutMs) {
    return engine.call(request(path, input).put("timeoutMs", timeoutMs));
  }

  @Override
  public Future<Object> call(String path, JsonObject input, CallOptions options) {
    return new LinkEngine(link, options).call(request(path, input));
  }

  @Override
  public Future<Object> call(JsonObject request) {
    return engine.call(request);
  }

  @Override
  public Future<Object> call(JsonObject request, CallOptions options) {
    return new LinkEngine(link, options).call(request);
  }

  private static JsonObject request(String path, JsonObject input) {
    return new JsonObject().put("operationId", path).put("input", input);
  }

  @Override
  public CallStream subscribe(String path, JsonObject input) {
    return subscribe(request(path, input), CallStream.DEFAULT_WINDOW);
  }

  @Override
  public CallStream subscribe(JsonObject request, int window) {
    return CallStream.open(engine, request, window);
  }

  @Override
  public CallStream subscribe(JsonObject request, int window, CallOptions options) {
    return CallStream.open(new LinkEngine(link, options), request, window);
  }

  @Override
  public Future<OperationType> operationType(String path) {
    Promise<OperationType> result = Promise.promise();
    link.onContext(() -> link.types().resolve(path, ResilientCall.LOOKUP_TIMEOUT_MS).onComplete(result));
    return result.future();
  }

  @Override
  public CallmeshClient eventHandler(Handler<ClientEvent> handler) {
    link.eventHandler(handler);
    return this;
  }

  @Override
  public Status status() {
    return link.status();
  }

  @Override
  public HubUrl hubUrl() {
    return link.hubUrl();
  }

  @Override
  public CircuitBreakerState breakerState(HubUrl hub) {
    int i = link.urls().indexOf(hub);
    if (i < 0) {
      throw new IllegalArgumentException(hub + " is not one of this client's hubs " + HubUrl.format(link.urls()));
    }
    return link.breakers().state(i);
  }

  @Override
  public JsonObject welcome() {
    return link.lastSession().welcome();
  }

  @Override
  public CallEngine engine() {
    return engine;
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }
}
