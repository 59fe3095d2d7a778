package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * What the {@code /v1} API answers in and reads, by the request's headers.
 * <ul>
 *   <li>{@code Accept}: absent, or listing (with q above 0) {@code application/json} (or {@code application/json-rpc}),
 *       {@code application/msgpack}
 *       (also {@code application/x-msgpack}, {@code application/vnd.msgpack}), {@code text/event-stream}, or a
 *       wildcard covering one of them. Otherwise 406. MessagePack is answered when it is preferred: a higher q than
 *       JSON's, or the same q named outright while JSON is only covered by a wildcard.</li>
 *   <li>{@code Content-Type} of a request with a body: absent, JSON ({@code application/json}, any
 *       {@code +json}, {@code application/json-rpc}), MessagePack, or what curl and browsers send by default for
 *       a string body ({@code application/x-www-form-urlencoded}, {@code text/plain}), read as JSON. Otherwise
 *       415.</li>
 * </ul>
 * WebSocket upgrades are left alone. A form-typed body is marked JSON before the body handler sees it.
 */
public final class Negotiation {

  private static final String ANSWER = "callmesh.answerFormat";
  private static final String BODY = "callmesh.bodyFormat";

  private Negotiation() {
  }

  /**
   * Answers 406 or 415 when the request asks for a format the API cannot produce or sends one it cannot read;
   * otherwise remembers the formats and passes the request on.
   *
   * @param ctx a request under {@code /v1}
   */
  public static void handle(RoutingContext ctx) {
    if (ctx.request().getHeader("Upgrade") != null) {
      ctx.next();
      return;
    }
    String accept = ctx.request().getHeader("Accept");
    BodyFormat answer = answer(accept);
    if (answer == null) {
      HttpAnswer.plainJson(ctx.response()).error(406, CallException.of(ErrorCode.INVALID_INPUT, "this API answers "
          + "application/json, application/msgpack or text/event-stream (streams), not Accept: " + accept));
      return;
    }
    ctx.put(ANSWER, answer);
    HttpMethod m = ctx.request().method();
    String type = ctx.request().getHeader("Content-Type");
    if (m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH) {
      BodyFormat body = body(type);
      if (body == null) {
        HttpAnswer.of(ctx).error(415, CallException.of(ErrorCode.INVALID_INPUT, "this API reads application/json "
            + "or application/msgpack bodies, not Content-Type: " + type));
        return;
      }
      ctx.put(BODY, body);
      if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        // curl -d's default type: the body is JSON, not a form. Said so before the body handler runs, or it would
        // also decode the body as form fields, and refuse any over 8 KiB or with a stray '%' with a bare 400.
        ctx.request().headers().set("Content-Type", BodyFormat.JSON.contentType());
      }
    }
    ctx.next();
  }

  /** @return the format to answer the request in: JSON unless it asked for MessagePack */
  public static BodyFormat answerFormat(RoutingContext ctx) {
    BodyFormat f = ctx.get(ANSWER);
    return f == null ? BodyFormat.JSON : f;
  }

  /** @return the format of the request's body: JSON unless it said MessagePack */
  public static BodyFormat bodyFormat(RoutingContext ctx) {
    BodyFormat f = ctx.get(BODY);
    return f == null ? BodyFormat.JSON : f;
  }

  /**
   * @param accept an {@code Accept} header, or {@code null}
   * @return the format to answer in, or {@code null} when the header allows nothing the API produces
   */
  public static BodyFormat answer(String accept) {
    if (accept == null || accept.isBlank()) {
      return BodyFormat.JSON;
    }
    float json = 0;
    float msgpack = 0;
    float stream = 0;
    boolean jsonNamed = false;
    boolean msgpackNamed = false;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      float q = quality(parts);
      if (type.equals("application/json") || type.equals("application/json-rpc")) {
        json = jsonNamed ? Math.max(json, q) : q;
        jsonNamed = true;
      } else if (isMsgpack(type)) {
        msgpack = msgpackNamed ? Math.max(msgpack, q) : q;
        msgpackNamed = true;
      } else if (type.equals("text/event-stream")) {
        stream = Math.max(stream, q);
      } else if (type.equals("*/*") || type.equals("application/*")) {
        json = jsonNamed ? json : Math.max(json, q);
        msgpack = msgpackNamed ? msgpack : Math.max(msgpack, q);
        stream = type.equals("*/*") ? Math.max(stream, q) : stream;
      } else if (type.equals("text/*")) {
        stream = Math.max(stream, q);
      }
    }
    if (msgpack > 0 && (msgpack > json || (msgpack == json && msgpackNamed && !jsonNamed))) {
      return BodyFormat.MSGPACK;
    }
    return json > 0 || stream > 0 ? BodyFormat.JSON : null;
  }

  /**
   * @param contentType a {@code Content-Type} header, or {@code null}
   * @return the format of such a body, or {@code null} when the API cannot read it
   */
  public static BodyFormat body(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return BodyFormat.JSON;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (isMsgpack(type)) {
      return BodyFormat.MSGPACK;
    }
    boolean json = type.equals("application/json") || type.equals("application/json-rpc")
        || (type.startsWith("application/") && type.endsWith("+json"))
        || type.equals("application/x-www-form-urlencoded") || type.equals("text/plain");
    return json ? BodyFormat.JSON : null;
  }

  private static boolean isMsgpack(String type) {
    return type.equals("application/msgpack") || type.equals("application/x-msgpack")
        || type.equals("application/vnd.msgpack");
  }

  /** @return the q parameter among a media range's parameters (1 when absent, 0 when malformed) */
  private static float quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          float q = Float.parseFloat(p.substring(2).trim());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
