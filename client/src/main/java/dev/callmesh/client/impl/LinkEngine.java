package dev.callmesh.client.impl;

import dev.callmesh.client.CallOptions;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallObserver;
import dev.callmesh.protocol.call.CallRequest;
import dev.callmesh.protocol.call.OutboundCall;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * The client seen as one {@link CallEngine} that outlives its connections: every call it opens is a
 * {@link ResilientCall} with the given {@link CallOptions} (waiting for a hub, tried again as they allow).
 * What belongs to a connection ({@link #transport()}, {@link #closeFuture()}, {@link #peerBye()}) is the
 * current connection's, or the last one's while there is none. {@link #pendingCount()} counts the client's
 * calls that have not ended, waiting ones and those between attempts included.
 */
final class LinkEngine implements CallEngine {

  private final HubLink link;
  private final CallOptions options;

  LinkEngine(HubLink link, CallOptions options) {
    this.link = link;
    this.options = new CallOptions(options);
  }

  @Override
  public OutboundCall open(CallRequest request, boolean stream, CallObserver observer) {
    return new ResilientCall(link, request, stream, observer, options).start();
  }

  @Override
  public Future<Object> call(JsonObject request) {
    Promise<Object> result = Promise.promise();
    open(CallRequest.of(request), false, CallObserver.completing(result));
    return result.future();
  }

  private CallEngine lastEngine() {
    return link.lastSession().engine();
  }

  @Override
  public EnvelopeTransport transport() {
    return lastEngine().transport();
  }

  @Override
  public CallObserver pendingObserver(String id) {
    return lastEngine().pendingObserver(id);
  }

  @Override
  public int pendingCount() {
    return link.active().get();
  }

  @Override
  public int inboundCount() {
    return lastEngine().inboundCount();
  }

  @Override
  public Future<Void> closeFuture() {
    return lastEngine().closeFuture();
  }

  @Override
  public JsonObject peerBye() {
    return lastEngine().peerBye();
  }
}
