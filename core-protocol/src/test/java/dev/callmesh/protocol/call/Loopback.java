package dev.callmesh.protocol.call;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.transport.EnvelopeTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;

/** Two transports joined by a real TCP connection on 127.0.0.1, for engine tests. */
record Loopback(EnvelopeTransport client, EnvelopeTransport server, NetServer listener) {

  /** @return a future of the connected pair; both transports live on the caller's context */
  static Future<Loopback> open(Vertx vertx, int maxFrameBytes) {
    return open(vertx, maxFrameBytes, JsonLimits.DEFAULTS);
  }

  /** @return a future of the connected pair whose server side reads within the limits (the client's are the defaults) */
  static Future<Loopback> open(Vertx vertx, int maxFrameBytes, JsonLimits serverLimits) {
    Promise<EnvelopeTransport> accepted = Promise.promise();
    NetServer server = vertx.createNetServer().connectHandler(s ->
        accepted.tryComplete(EnvelopeTransport.create(s, "tcp", maxFrameBytes, serverLimits)));
    return server.listen(0, "127.0.0.1")
        .compose(s -> vertx.createNetClient().connect(s.actualPort(), "127.0.0.1"))
        .map(socket -> EnvelopeTransport.create(socket, "tcp", maxFrameBytes))
        .compose(client -> accepted.future().map(srv -> new Loopback(client, srv, server)));
  }
}
