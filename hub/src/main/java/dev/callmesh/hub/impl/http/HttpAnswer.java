package dev.callmesh.hub.impl.http;

import dev.callmesh.protocol.CallException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * How the HTTP API ends a response whose body is a JSON value: written in the format the request's
 * {@code Accept} chose ({@link Negotiation}; JSON or MessagePack), with its {@code Content-Type}, and shown to
 * the request's {@link Capture} first when it has one ({@link Idempotency} keeps the answer that way). Every
 * JSON answer of the {@code /v1} endpoints should end through here.
 */
public final class HttpAnswer {

  /** Sees an answer as JSON just before it is sent. */
  @FunctionalInterface
  public interface Capture {
    /**
     * @param status the status code
     * @param response the response, whose headers are set but not yet sent
     * @param json the body as JSON text
     */
    void answered(int status, HttpServerResponse response, Buffer json);
  }

  private static final String CAPTURE = "callmesh.capture";

  private final HttpServerResponse response;
  private final BodyFormat format;
  private final Capture capture;

  private HttpAnswer(HttpServerResponse response, BodyFormat format, Capture capture) {
    this.response = response;
    this.format = format;
    this.capture = capture;
  }

  /** @return the way to answer the request: in its negotiated format, through its capture if any */
  public static HttpAnswer of(RoutingContext ctx) {
    return new HttpAnswer(ctx.response(), Negotiation.answerFormat(ctx), ctx.get(CAPTURE));
  }

  /** @return a way to answer in JSON, without capture */
  public static HttpAnswer plainJson(HttpServerResponse response) {
    return new HttpAnswer(response, BodyFormat.JSON, null);
  }

  /** Sets the capture that {@link #of} answers of the request will go through. */
  static void capture(RoutingContext ctx, Capture capture) {
    ctx.put(CAPTURE, capture);
  }

  /** @return the format answers are written in */
  public BodyFormat format() {
    return format;
  }

  /**
   * Ends the response, unless it has already ended.
   *
   * @param status the status code
   * @param json the body as JSON text
   * @return a future completed once it is written
   */
  public Future<Void> end(int status, Buffer json) {
    if (response.ended()) {
      return Future.succeededFuture();
    }
    response.setStatusCode(status);
    if (capture != null) {
      capture.answered(status, response, json);
    }
    Buffer body;
    try {
      body = format.encode(json);
    } catch (IllegalArgumentException e) {
      // Only a bug writes text that is not JSON; say so in JSON rather than not answer.
      return response.setStatusCode(500).putHeader("Content-Type", BodyFormat.JSON.contentType())
          .end("{\"error\":{\"code\":\"INTERNAL\",\"message\":\"the answer could not be encoded\",\"retryable\":false}}");
    }
    return response.putHeader("Content-Type", format.contentType()).end(body);
  }

  /** @return {@link #end} of a JSON object */
  public Future<Void> end(int status, JsonObject json) {
    return end(status, json.toBuffer());
  }

  /**
   * Ends the response with {@code {"error":{code,message,retryable,details?}}}, unless its head is already
   * written.
   *
   * @param status the status code
   * @param error the error
   * @return a future completed once it is written
   */
  public Future<Void> error(int status, CallException error) {
    if (response.headWritten()) {
      return Future.succeededFuture();
    }
    return end(status, new JsonObject().put("error", error.toPayload()));
  }
}
