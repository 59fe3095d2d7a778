package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.msgpack.MsgPack;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Turns a request body into the JSON text the endpoints read, after the body handler and before them:
 * decompressed when it came with {@code Content-Encoding: gzip} or {@code deflate} ({@link Inflation}, bounded by
 * the same limit as any body, counted on the decompressed bytes), and transcoded when it is MessagePack
 * ({@link MsgPack}). An unknown coding is 415; a body past the limit once decompressed or transcoded is 413
 * {@code RESOURCE_EXHAUSTED}; a corrupt one is 400 {@code INVALID_INPUT}. Bodies over 64 KiB are decoded on a
 * worker thread, so a large one does not hold up the event loop.
 */
public final class RequestBodies {

  /** Bodies larger than this are decoded on a worker thread. */
  static final int INLINE_BYTES = 64 * 1024;

  private final int maxBytes;
  private final JsonLimits limits;

  /**
   * @param maxBytes the largest body, decompressed and as JSON
   * @param limits how deep a MessagePack body may nest
   */
  public RequestBodies(int maxBytes, JsonLimits limits) {
    this.maxBytes = maxBytes;
    this.limits = limits;
  }

  /**
   * Decodes the body of the request when it needs it, then passes the request on.
   *
   * @param ctx a request whose body has been read
   */
  public void handle(RoutingContext ctx) {
    String coding = ctx.request().getHeader("Content-Encoding");
    boolean msgpack = Negotiation.bodyFormat(ctx) == BodyFormat.MSGPACK;
    if (!Inflation.supports(coding)) {
      HttpAnswer.of(ctx).error(415, CallException.of(ErrorCode.INVALID_INPUT, "Content-Encoding " + coding
          + " is not read here; send the body as it is, or with gzip or deflate"));
      return;
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0 || (Inflation.isIdentity(coding) && !msgpack)) {
      ctx.next();
      return;
    }
    Future<Buffer> decoded;
    if (body.length() > INLINE_BYTES) {
      decoded = ctx.vertx().executeBlocking(() -> decode(body, coding, msgpack), false);
    } else {
      try {
        decoded = Future.succeededFuture(decode(body, coding, msgpack));
      } catch (RuntimeException e) {
        decoded = Future.failedFuture(e);
      }
    }
    decoded.onSuccess(json -> {
      ((RoutingContextInternal) ctx).setBody(json);
      ctx.next();
    }).onFailure(e -> {
      boolean tooLarge = e instanceof Inflation.TooLargeException || e instanceof MsgPack.TooLargeException;
      HttpAnswer.of(ctx).error(tooLarge ? 413 : 400, CallException.of(
          tooLarge ? ErrorCode.RESOURCE_EXHAUSTED : ErrorCode.INVALID_INPUT, e.getMessage()));
    });
  }

  private Buffer decode(Buffer body, String coding, boolean msgpack) {
    Buffer plain = Inflation.inflate(body, coding, maxBytes);
    return msgpack ? MsgPack.toJson(plain, limits, maxBytes) : plain;
  }
}
