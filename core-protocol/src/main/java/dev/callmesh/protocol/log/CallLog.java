package dev.callmesh.protocol.log;

import dev.callmesh.protocol.call.InboundCall;
import dev.callmesh.protocol.trace.TraceParent;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Writes a log line about one call with the MDC keys {@link #CALL_ID}, {@link #OP} and {@link #TRACE_ID}
 * set for that one statement, then puts back whatever the thread had. An event loop serves many calls
 * in turn, so call state must never stay behind in the thread's MDC for the next one.
 * <p>
 * With {@code --log-format json} the keys appear in each line's {@code mdc} object; the readable format
 * shows only the message, so messages should name the call themselves.
 */
public final class CallLog {

  /** MDC key: the request id of the call on the connection it arrived on (or left by). */
  public static final String CALL_ID = "callId";
  /** MDC key: the operation path as this participant sees it. */
  public static final String OP = "op";
  /** MDC key: the trace id of the call's {@code traceparent}, absent when it has none. */
  public static final String TRACE_ID = "traceId";

  private CallLog() {
  }

  /**
   * Logs about a call we serve: its id, operation, and the trace id of the {@code traceparent} it arrived with.
   *
   * @param log the logger
   * @param level the level; nothing is done when the logger does not enable it
   * @param call the call
   * @param format an SLF4J message format; a trailing Throwable argument is logged as such
   * @param args the arguments
   */
  public static void log(Logger log, Level level, InboundCall call, String format, Object... args) {
    if (log.isEnabledForLevel(level)) {
      log(log, level, call.id(), call.operationId(), traceId(call.request()), format, args);
    }
  }

  /**
   * Logs about any call.
   *
   * @param log the logger
   * @param level the level; nothing is done when the logger does not enable it
   * @param callId the request id
   * @param op the operation path
   * @param traceId the trace id, or {@code null}
   * @param format an SLF4J message format; a trailing Throwable argument is logged as such
   * @param args the arguments
   */
  public static void log(Logger log, Level level, String callId, String op, String traceId, String format,
                         Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    String oldCallId = MDC.get(CALL_ID);
    String oldOp = MDC.get(OP);
    String oldTraceId = MDC.get(TRACE_ID);
    set(CALL_ID, callId);
    set(OP, op);
    set(TRACE_ID, traceId);
    try {
      switch (level) {
        case ERROR -> log.error(format, args);
        case WARN -> log.warn(format, args);
        case INFO -> log.info(format, args);
        case DEBUG -> log.debug(format, args);
        case TRACE -> log.trace(format, args);
      }
    } finally {
      set(CALL_ID, oldCallId);
      set(OP, oldOp);
      set(TRACE_ID, oldTraceId);
    }
  }

  /** @return the trace id of the request's valid {@code metadata.traceparent}, or {@code null} */
  public static String traceId(dev.callmesh.protocol.call.CallRequest request) {
    TraceParent t = TraceParent.parse(TraceParent.headerIn(request));
    return t == null ? null : t.traceId();
  }

  /** @return the trace id of the payload's valid {@code metadata.traceparent}, or {@code null} */
  public static String traceId(JsonObject payload) {
    TraceParent t = TraceParent.in(payload);
    return t == null ? null : t.traceId();
  }

  private static void set(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
