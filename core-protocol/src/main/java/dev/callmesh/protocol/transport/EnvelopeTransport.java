package dev.callmesh.protocol.transport;

import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.EventEnvelope;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.transport.impl.NetSocketTransport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * A connection that carries EventEnvelopes both ways, whatever the bytes travel on (TCP, TLS,
 * WebSocket, an SSH channel). A frame that breaks the protocol is answered with {@code bye PROTOCOL}
 * and closes the connection; the handler never sees it.
 * <p>
 * Its state lives on {@link #context()}, where the handlers run. The other methods may be called from
 * any thread: those that send or close hop onto the context first, so envelopes leave in the order the
 * context asked for them, and a last envelope ({@code bye}) after everything asked for before it.
 */
public interface EnvelopeTransport {

  /**
   * @param socket a connected socket; the transport takes over its handlers
   * @param transportName {@code tcp} or {@code tls}, as shown to operators
   * @param maxFrameBytes the largest frame accepted and sent
   * @param jsonLimits the bounds on the JSON of each frame received
   * @return a transport over the socket
   */
  static EnvelopeTransport create(NetSocket socket, String transportName, int maxFrameBytes, JsonLimits jsonLimits) {
    return new NetSocketTransport(socket, transportName, maxFrameBytes, jsonLimits);
  }

  /** @return {@link #create(NetSocket, String, int, JsonLimits)} with {@link JsonLimits#DEFAULTS} */
  static EnvelopeTransport create(NetSocket socket, String transportName, int maxFrameBytes) {
    return create(socket, transportName, maxFrameBytes, JsonLimits.DEFAULTS);
  }

  /** @return the context the handlers run on */
  Context context();

  /** @return {@code tcp}, {@code tls}, {@code ws}, ... */
  String transportName();

  /** @return {@code host:port} of the peer */
  String remoteAddress();

  /** @return the host (address) of the peer, without port */
  String remoteHost();

  /** @return the largest frame body this transport reads or writes */
  int maxFrameBytes();

  /** @return the bounds on the JSON this transport reads */
  JsonLimits jsonLimits();

  /**
   * Sends one envelope.
   *
   * @return a future failed with a {@link dev.callmesh.protocol.CallException} RESOURCE_EXHAUSTED when
   *     the envelope is over the frame limit (nothing is sent), or when the connection is closed
   */
  default Future<Void> send(EventEnvelope envelope) {
    return sendJson(envelope.encode());
  }

  /**
   * Sends one envelope already encoded as JSON (without length prefix).
   *
   * @return a future completed once the bytes are handed to the operating system; failed as for
   *     {@link #send(EventEnvelope)}
   */
  Future<Void> sendJson(Buffer json);

  /**
   * @param handler receives each well-formed envelope, in order
   * @return this
   */
  EnvelopeTransport handler(Handler<EventEnvelope> handler);

  /**
   * @param handler called once when the connection has closed, whoever closed it
   * @return this
   */
  EnvelopeTransport closeHandler(Handler<Void> handler);

  /**
   * The most bytes that may wait unsent on one connection before the peer counts as a slow consumer
   * and is closed with {@code bye RESOURCE_EXHAUSTED}: twice the frame limit, at least 32 MiB.
   */
  static long maxUnsentBytes(int maxFrameBytes) {
    return Math.max(32L * 1024 * 1024, 2L * maxFrameBytes);
  }

  /** @return whether the bytes waiting to be written are over the high-water mark */
  boolean writeQueueFull();

  /**
   * @param handler called when a full write queue has drained
   * @return this
   */
  EnvelopeTransport drainHandler(Handler<Void> handler);

  /** Sends {@code bye} with the code and message, then closes. */
  default void bye(ErrorCode code, String message) {
    closeWith(EventEnvelope.bye(code, message));
  }

  /**
   * Sends a last envelope ({@code bye}, {@code auth.denied}) and closes, within a second even when the
   * peer does not read. Nothing is read after this call.
   */
  void closeWith(EventEnvelope last);

  /** @return a future completed when the connection is closed */
  Future<Void> close();

  /** @return a future completed once the connection has closed (independent of {@link #closeHandler}) */
  Future<Void> closed();

  /** @return whether the connection has closed */
  boolean isClosed();
}
