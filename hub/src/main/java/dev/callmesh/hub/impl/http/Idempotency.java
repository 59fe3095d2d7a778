package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on {@code POST /v1/call/...}, {@code /v1/jobs/...} and {@code /v1/fanout/...}: a route
 * handler placed before those endpoints. The first answer for (identity, key) is kept in an
 * {@link IdempotencyStore} and sent again, with {@code Idempotent-Replayed: true}, to a repeat with the same
 * method, path, query and body (compared decompressed, as JSON, whatever their encoding); the same key with
 * another request is 422, a repeat while the first still runs is 409 (retryable), a key of more than 255
 * characters (or none, or one that is not printable ASCII) is 400. An answer of 429 or 503 is not kept (nothing
 * ran, so a repeat may), nor a stream, nor one the endpoint did not send through {@link HttpAnswer}.
 */
public final class Idempotency {

  /** The request header. */
  public static final String HEADER = "Idempotency-Key";
  /** The response header of a replayed answer. */
  public static final String REPLAYED = "Idempotent-Replayed";
  /** The longest key: 255 characters. */
  public static final int MAX_KEY_LENGTH = 255;
  /** The error code of a 409: the first request with the key still runs (retryable). */
  public static final String IN_USE = "IDEMPOTENCY_KEY_IN_USE";
  /** The routes it applies to. */
  static final String[] ROUTES = {"/v1/call/*", "/v1/jobs/*", "/v1/fanout/*"};

  private static final Logger log = LoggerFactory.getLogger(Idempotency.class);

  private final IdempotencyStore store;
  private final Function<RoutingContext, Future<String>> identity;

  /**
   * @param store where answers are kept
   * @param identity the identity of a request's bearer token; on failure it has answered the request itself
   */
  public Idempotency(IdempotencyStore store, Function<RoutingContext, Future<String>> identity) {
    this.store = store;
    this.identity = identity;
  }

  /** Places the handler on the POST routes it applies to; call before those endpoints are routed. */
  public void route(Router router) {
    for (String path : ROUTES) {
      router.post(path).handler(this::handle);
    }
  }

  /**
   * @param header the header as sent
   * @return the key (without the quotes of a structured-field string), or {@code null} when it is not a valid key
   */
  public static String key(String header) {
    String k = header.trim();
    if (k.length() >= 2 && k.startsWith("\"") && k.endsWith("\"")) {
      k = k.substring(1, k.length() - 1);
    }
    if (k.isEmpty() || k.length() > MAX_KEY_LENGTH) {
      return null;
    }
    for (int i = 0; i < k.length(); i++) {
      if (k.charAt(i) < 0x20 || k.charAt(i) > 0x7e) {
        return null;
      }
    }
    return k;
  }

  private void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HEADER);
    if (header == null) {
      ctx.next();
      return;
    }
    String key = key(header);
    if (key == null) {
      HttpAnswer.of(ctx).error(400, CallException.of(ErrorCode.INVALID_INPUT, HEADER + " must be 1 to "
          + MAX_KEY_LENGTH + " printable ASCII characters (a UUID is a good key)"));
      return;
    }
    identity.apply(ctx).onSuccess(id -> {
      String scoped = id + '\u0000' + key;
      String fingerprint = fingerprint(ctx);
      store.begin(scoped, fingerprint).onComplete(ar -> {
        if (ar.failed()) {
          log.warn("the idempotency store failed: {}", ar.cause().toString());
          HttpAnswer.of(ctx).error(503, CallException.of(ErrorCode.UNAVAILABLE,
              "the requests with an " + HEADER + " cannot be checked now; try again in a moment"));
          return;
        }
        switch (ar.result().kind()) {
          case STARTED -> run(ctx, scoped, fingerprint);
          case REPLAY -> replay(ctx, ar.result().response());
          case RUNNING -> HttpAnswer.of(ctx).error(409, new CallException(IN_USE, "the first request with "
              + HEADER + " " + key + " has not answered yet; repeat it once it has, to get its answer", true, null));
          case MISMATCH -> HttpAnswer.of(ctx).error(422, CallException.of(ErrorCode.INVALID_INPUT, HEADER + " "
              + key + " was used for another request (method, path or body); use a new key for a new request"));
        }
      });
    });
  }

  private void run(RoutingContext ctx, String scoped, String fingerprint) {
    StoredResponse[] kept = new StoredResponse[1];
    HttpAnswer.capture(ctx, (status, response, json) -> {
      if (status != 429 && status != 503) {
        kept[0] = new StoredResponse(status, keptHeaders(response), json);
      }
    });
    ctx.addEndHandler(ended -> {
      Future<Void> done = kept[0] != null && ended.succeeded() ? store.finish(scoped, fingerprint, kept[0])
          : store.release(scoped, fingerprint);
      done.onFailure(e -> log.warn("the idempotency store failed to keep an answer: {}", e.toString()));
    });
    ctx.next();
  }

  private static void replay(RoutingContext ctx, StoredResponse stored) {
    HttpServerResponse response = ctx.response();
    stored.headers().forEach(response::putHeader);
    response.putHeader(REPLAYED, "true");
    HttpAnswer.of(ctx).end(stored.status(), stored.json());
  }

  private static Map<String, String> keptHeaders(HttpServerResponse response) {
    Map<String, String> h = new LinkedHashMap<>();
    for (String name : StoredResponse.KEPT_HEADERS) {
      String v = response.headers().get(name);
      if (v != null) {
        h.put(name, v);
      }
    }
    return h;
  }

  /** @return a digest of what the request asks: method, path and query, body */
  static String fingerprint(RoutingContext ctx) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((ctx.request().method().name() + ' ' + ctx.request().uri() + '\n').getBytes(StandardCharsets.UTF_8));
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (body != null) {
        sha.update(body.getBytes());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
