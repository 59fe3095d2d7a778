package dev.callmesh.hub.impl.cluster;

import dev.callmesh.hub.RoutingTable;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.call.CallEngine;
import dev.callmesh.protocol.call.CallEngineOptions;
import dev.callmesh.protocol.call.CallHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The links from this hub to the others, one call engine each over a {@link BusTransport}, so that a
 * call between hubs has exactly the semantics of a call on a connection: streams, credit, aborts,
 * deadlines, cascades, and every pending call failing UNAVAILABLE when the peer leaves. Every peer sends
 * to this hub's one event bus address (one consumer per hub, never one per call or per connection), the
 * sender in a header. Messages arrive on the hub's context; a link may be asked for from any connection's
 * context (the map is concurrent, and each engine hops onto the hub's context).
 */
final class PeerLinks {

  /** The header that names the sending hub. */
  static final String FROM = "callmesh-from";

  private final ContextInternal context;
  private final String selfId;
  private final int maxFrameBytes;
  private final JsonLimits limits;
  private final PeerRouter router;
  private final Map<String, CallEngine> links = new ConcurrentHashMap<>();
  private MessageConsumer<Buffer> consumer;

  PeerLinks(Context context, String selfId, int maxFrameBytes, JsonLimits limits,
            Function<String, RoutingTable.Route> localRoutes, java.util.function.Supplier<CallHandler> hubOperations) {
    this.context = (ContextInternal) context;
    this.selfId = selfId;
    this.maxFrameBytes = maxFrameBytes;
    this.limits = limits;
    this.router = new PeerRouter(selfId, localRoutes, hubOperations);
  }

  /** @return the event bus address of a hub */
  static String address(String hubId) {
    return "callmesh.hub." + hubId;
  }

  /** @return a future completed once this hub's address is known to the whole cluster */
  Future<Void> start() {
    consumer = context.owner().eventBus().<Buffer>consumer(address(selfId)).handler(this::onMessage);
    return consumer.completion();
  }

  private void onMessage(Message<Buffer> message) {
    String from = message.headers().get(FROM);
    if (from != null && !from.equals(selfId)) {
      // Messages are delivered on a duplicate of the hub's context, on its thread: the batch is read at once,
      // on the hub's context itself, where a link made just now starts before it reads.
      context.emit(message.body(), batch -> ((BusTransport) link(from).transport()).receive(batch));
    }
  }

  /** @return the engine of the link to the hub, made on first use */
  CallEngine link(String hubId) {
    CallEngine open = links.get(hubId); // every call asks: a read first, without compute's lock
    if (open != null && !open.transport().isClosed()) {
      return open;
    }
    return links.compute(hubId, (id, engine) -> engine != null && !engine.transport().isClosed() ? engine
        : CallEngine.create(new BusTransport(context, selfId, id, maxFrameBytes, limits), router,
            new CallEngineOptions().setHeartbeatMs(0).setMaxInboundInFlight(1_000_000)));
  }

  /** The hub left the cluster: its link closes, failing every call on it. */
  void lost(String hubId) {
    CallEngine engine = links.remove(hubId);
    if (engine != null) {
      engine.transport().close();
    }
  }

  /** @return calls other hubs passed on to this one that still run */
  int callsFromPeers() {
    int n = 0;
    for (CallEngine e : links.values()) {
      n += e.inboundCount();
    }
    return n;
  }

  /** Stops taking messages and closes every link. */
  Future<Void> close() {
    links.values().forEach(e -> e.transport().close());
    links.clear();
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
