package dev.callmesh.hub.impl.cluster;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link to one other hub, as a connection: envelopes travel as their JSON bytes in event bus messages
 * to the peer's one address ({@link PeerLinks#address}), marked with this hub's id, and arrive here from
 * the peer the same way. It closes when the peer leaves the cluster. State lives on the hub's context,
 * where the peer's messages arrive and where the link's call engine sends.
 *
 * <p>A message carries a batch: the envelopes sent in one go on the context, each as a 4-byte length and
 * its JSON, like frames on a socket. The batch leaves in a task queued behind the context's others, so under
 * load one message, one write and one hop at the peer carry many envelopes; it leaves at once when it
 * reaches {@value #BATCH_BYTES} bytes.
 */
final class BusTransport implements EnvelopeTransport {

  private static final Logger log = LoggerFactory.getLogger(BusTransport.class);
  /** A batch this long leaves without waiting for the context's other tasks. */
  static final int BATCH_BYTES = 64 * 1024;

  private final Context context;
  private final EventBus bus;
  private final String peer;
  private final String peerAddress;
  private final DeliveryOptions from;
  private final int maxFrameBytes;
  private final JsonLimits limits;
  private final Promise<Void> closed = Promise.promise();
  private Handler<EventEnvelope> handler = e -> { };
  private Handler<Void> closeHandler;
  private Buffer batch;
  private int lastBatchBytes;
  private volatile boolean isClosed;

  BusTransport(Context context, String selfId, String peer, int maxFrameBytes, JsonLimits limits) {
    this.context = context;
    this.bus = context.owner().eventBus();
    this.peer = peer;
    this.peerAddress = PeerLinks.address(peer);
    this.from = new DeliveryOptions().addHeader(PeerLinks.FROM, selfId);
    this.maxFrameBytes = maxFrameBytes;
    this.limits = limits;
  }

  /** A batch of envelopes from the peer arrived (on the hub's context). */
  void receive(Buffer batch) {
    int at = 0;
    while (!isClosed && at < batch.length()) {
      int length = batch.length() - at < 4 ? -1 : batch.getInt(at);
      if (length < 0 || length > maxFrameBytes || length > batch.length() - at - 4) {
        log.warn("hub {} sent a batch with a frame of a length that does not fit ({} at byte {} of {}); the rest is ignored",
            peer, length, at, batch.length());
        return;
      }
      Buffer json = batch.slice(at + 4, at + 4 + length);
      at += 4 + length;
      EventEnvelope e;
      try {
        e = EventEnvelope.decode(json, limits);
      } catch (ProtocolException ex) {
        log.warn("hub {} sent a frame that is not an envelope ({}); ignored", peer, ex.getMessage());
        continue;
      }
      handler.handle(e);
    }
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public String transportName() {
    return "hub";
  }

  @Override
  public String remoteAddress() {
    return "hub " + peer;
  }

  @Override
  public String remoteHost() {
    return peer;
  }

  @Override
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  public JsonLimits jsonLimits() {
    return limits;
  }

  @Override
  public Future<Void> sendJson(Buffer json) {
    if (isClosed) {
      return Future.failedFuture(CallException.of(ErrorCode.UNAVAILABLE, "hub " + peer + " left the cluster"));
    }
    if (json.length() > maxFrameBytes) {
      return Future.failedFuture(CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "message of " + json.length()
          + " bytes is over the frame limit of " + maxFrameBytes + " bytes; ask for less at a time"));
    }
    if (Vertx.currentContext() != context || !Context.isOnEventLoopThread()) {
      // The batch is the context's alone; the future says what happened there (the link may close first).
      Promise<Void> sent = Promise.promise();
      context.runOnContext(v -> sendJson(json).onComplete(sent));
      return sent.future();
    }
    if (batch == null) {
      // as long as the last batch, so that under load the bytes are not copied again as the batch grows
      batch = Buffer.buffer(Math.min(BATCH_BYTES, Math.max(json.length() + 4, lastBatchBytes)) + 256);
      context.runOnContext(v -> flush());
    }
    batch.appendInt(json.length()).appendBuffer(json);
    if (batch.length() >= BATCH_BYTES) {
      flush();
    }
    return Future.succeededFuture();
  }

  private void flush() {
    Buffer b = batch;
    if (b != null) {
      batch = null;
      lastBatchBytes = b.length();
      bus.send(peerAddress, b, from);
    }
  }

  @Override
  public EnvelopeTransport handler(Handler<EventEnvelope> handler) {
    this.handler = handler == null ? e -> { } : handler;
    return this;
  }

  @Override
  public EnvelopeTransport closeHandler(Handler<Void> handler) {
    if (isClosed && handler != null) {
      context.runOnContext(v -> handler.handle(null));
    } else {
      this.closeHandler = handler;
    }
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public EnvelopeTransport drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public void closeWith(EventEnvelope last) {
    // The peer learns that this link ended from the cluster's membership, not from a last envelope.
    close();
  }

  @Override
  public Future<Void> close() {
    if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
      closeNow();
    } else {
      context.runOnContext(v -> closeNow());
    }
    return closed.future();
  }

  private void closeNow() {
    if (isClosed) {
      return;
    }
    flush(); // what the link's engine sent before it closed (the last answers of a hub shutting down)
    isClosed = true;
    Handler<Void> h = closeHandler;
    closeHandler = null;
    if (h != null) {
      h.handle(null);
    }
    closed.tryComplete();
  }

  @Override
  public Future<Void> closed() {
    return closed.future();
  }

  @Override
  public boolean isClosed() {
    return isClosed;
  }
}
