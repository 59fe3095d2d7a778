package dev.callmesh.client.impl;

import dev.callmesh.client.ClientEvent;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a client's {@link ClientEvent}s go: its log (retries at debug, the rest at info, as
 * {@code callmesh client: ...}) and the program's handler, whose exceptions are logged, never thrown back.
 */
final class EventSink {

  private static final Logger log = LoggerFactory.getLogger(CallmeshClientImpl.class);

  private volatile Handler<ClientEvent> handler;

  /** @param handler the program's handler, or {@code null} for none */
  void handler(Handler<ClientEvent> handler) {
    this.handler = handler;
  }

  /** Reports an event to the log and to the program's handler. */
  void emit(ClientEvent event) {
    if (event.kind() == ClientEvent.Kind.RETRYING) {
      log.debug("callmesh client: {}", event);
    } else {
      log.info("callmesh client: {}", event);
    }
    Handler<ClientEvent> h = handler;
    if (h != null) {
      try {
        h.handle(event);
      } catch (RuntimeException e) {
        log.warn("the client's event handler failed on {}", event, e);
      }
    }
  }
}
