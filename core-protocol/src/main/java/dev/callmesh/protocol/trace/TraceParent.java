package dev.callmesh.protocol.trace;

import dev.callmesh.protocol.call.CallRequest;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/#traceparent-header), as
 * callmesh carries it in {@code payload.metadata.traceparent} of every {@code call.requested}:
 *
 * <pre>
 *   00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
 *   |  |                                |                |
 *   |  trace id: 16 bytes, lowercase    parent id: the   flags: 01 = sampled
 *   |  hex, not all zero; the same on   caller's span,
 *   |  every hop of one call tree       8 bytes, not zero
 *   version (00)
 * </pre>
 *
 * A header that does not follow the specification is not an error: the hop that receives it starts a
 * new trace instead ({@link #forwarded(String)}). Instances are immutable and always hold a valid
 * version-00 header.
 */
public final class TraceParent {

  /** The key in {@code payload.metadata}. */
  public static final String METADATA_KEY = "traceparent";

  /** Length of a version-00 header. */
  private static final int LENGTH = 55;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The value of each lowercase hex digit by its character, -1 for every other ASCII character. */
  private static final byte[] NIBBLES = new byte[128];

  static {
    java.util.Arrays.fill(NIBBLES, (byte) -1);
    for (int i = 0; i < HEX.length; i++) {
      NIBBLES[HEX[i]] = (byte) i;
    }
  }

  private final String header;

  private TraceParent(String header) {
    this.header = header;
  }

  /**
   * Parses a header as the specification says: version {@code 00} must be exactly 55 characters; a later
   * version (not {@code ff}) is read for its first four fields and continued as version {@code 00}.
   *
   * @param header a {@code traceparent} value; may be {@code null}
   * @return the trace parent, or {@code null} when the header is missing or invalid (upper-case hex,
   *     an all-zero trace or parent id, a wrong length or separator, version {@code ff})
   */
  public static TraceParent parse(String header) {
    if (header == null || header.length() < LENGTH) {
      return null;
    }
    if (!isHex(header, 0, 2) || header.startsWith("ff")) {
      return null;
    }
    boolean v00 = header.startsWith("00");
    if (v00 ? header.length() != LENGTH : header.length() > LENGTH && header.charAt(LENGTH) != '-') {
      return null;
    }
    if (header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-') {
      return null;
    }
    if (!isNonZeroHex(header, 3, 35) || !isNonZeroHex(header, 36, 52) || !isHex(header, 53, 55)) {
      return null;
    }
    return new TraceParent(v00 ? header : "00" + header.substring(2, LENGTH));
  }

  /** @return whether {@link #parse} accepts the header */
  public static boolean isValid(String header) {
    return parse(header) != null;
  }

  /** @return the start of a new trace: random trace and parent ids, flagged sampled */
  public static TraceParent newRoot() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi;
    long lo;
    do {
      hi = r.nextLong();
      lo = r.nextLong();
    } while (hi == 0 && lo == 0);
    StringBuilder sb = new StringBuilder(LENGTH).append("00-");
    hex(sb, hi);
    hex(sb, lo);
    sb.append('-');
    hex(sb, spanId(r));
    return new TraceParent(sb.append("-01").toString());
  }

  /** @return the trace parent of a call made on behalf of this one: same trace id and flags, a new parent id */
  public TraceParent child() {
    StringBuilder sb = new StringBuilder(LENGTH).append(header, 0, 36);
    hex(sb, spanId(ThreadLocalRandom.current()));
    return new TraceParent(sb.append(header, 52, LENGTH).toString());
  }

  /** @return the 32 lowercase hex digits of the trace id */
  public String traceId() {
    return header.substring(3, 35);
  }

  /** @return the 16 lowercase hex digits of the parent (span) id */
  public String parentId() {
    return header.substring(36, 52);
  }

  /** @return the 2 hex digits of the trace flags */
  public String flags() {
    return header.substring(53, LENGTH);
  }

  /** @return the version-00 header, as it goes on the wire */
  @Override
  public String toString() {
    return header;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceParent t && t.header.equals(header);
  }

  @Override
  public int hashCode() {
    return header.hashCode();
  }

  // ---- in call payloads ----

  /**
   * @param payload a {@code call.requested} payload
   * @return {@code payload.metadata.traceparent} when it is a string, unchecked; {@code null} otherwise
   *     (no metadata, metadata not an object, no such key)
   */
  public static String headerIn(JsonObject payload) {
    return payload != null && payload.getValue("metadata") instanceof JsonObject m
        && m.getValue(METADATA_KEY) instanceof String s ? s : null;
  }

  /** @return the valid trace parent of the payload's metadata, or {@code null} */
  public static TraceParent in(JsonObject payload) {
    return parse(headerIn(payload));
  }

  /**
   * What a hop that passes a call on (the hub) puts in the forwarded call's metadata.
   *
   * @param callerHeader the caller's {@code metadata.traceparent}, or {@code null}
   * @return a {@link #child()} of the caller's header when it is valid, else a {@link #newRoot()}
   */
  public static String forwarded(String callerHeader) {
    return forwardedFrom(callerHeader).toString();
  }

  /** @return {@link #forwarded(String)} as a trace parent */
  public static TraceParent forwardedFrom(String callerHeader) {
    TraceParent caller = parse(callerHeader);
    return caller == null ? newRoot() : caller.child();
  }

  /**
   * Sets {@code payload.metadata.traceparent}, keeping the other metadata keys. The metadata object is
   * replaced by a copy (it may be shared with the caller's request); metadata that is not an object is
   * replaced by one.
   *
   * @param payload a {@code call.requested} payload, changed in place
   * @param header the value to set
   * @return the payload
   */
  public static JsonObject putHeader(JsonObject payload, String header) {
    JsonObject metadata = payload.getValue("metadata") instanceof JsonObject m
        ? new JsonObject(new LinkedHashMap<>(m.getMap())) : new JsonObject();
    return payload.put("metadata", metadata.put(METADATA_KEY, header));
  }

  /**
   * What a caller's engine sends: the request as it is when it carries a valid traceparent (the caller
   * chose it, or the hub forwards), else a copy that carries a {@link #child()} of the traceparent of
   * the call it is made for ({@code parentRequestId}), else a {@link #newRoot()}.
   *
   * @param request a {@code call.requested} payload; never changed
   * @param parentPayload the payload of the call this one is made on behalf of, or {@code null}
   * @return a request with a valid {@code metadata.traceparent}
   */
  public static JsonObject outbound(JsonObject request, JsonObject parentPayload) {
    if (in(request) != null) {
      return request;
    }
    TraceParent parent = in(parentPayload);
    JsonObject copy = new JsonObject(new LinkedHashMap<>(request.getMap()));
    return putHeader(copy, (parent == null ? newRoot() : parent.child()).toString());
  }

  // ---- in call requests (received ones are not decoded beyond their metadata) ----

  /** @return {@code metadata.traceparent} of the request when it is a string, unchecked; {@code null} otherwise */
  public static String headerIn(CallRequest request) {
    return request.metadataString(METADATA_KEY);
  }

  /** @return the request with {@code metadata.traceparent} set, the other metadata keys kept; it is unchanged */
  public static CallRequest putHeader(CallRequest request, String header) {
    return request.withMetadataString(METADATA_KEY, header);
  }

  /**
   * {@link #outbound(JsonObject, JsonObject)} for a request that may have been received (the hub's
   * forwarded calls, which already carry the hub's traceparent).
   *
   * @param request the request; never changed
   * @param parent the request of the call this one is made on behalf of, or {@code null}
   * @return a request with a valid {@code metadata.traceparent}
   */
  public static CallRequest outbound(CallRequest request, CallRequest parent) {
    if (parse(headerIn(request)) != null) {
      return request;
    }
    TraceParent p = parent == null ? null : parse(headerIn(parent));
    return putHeader(request, (p == null ? newRoot() : p.child()).toString());
  }

  // ---- helpers ----

  private static long spanId(ThreadLocalRandom r) {
    long id;
    do {
      id = r.nextLong();
    } while (id == 0);
    return id;
  }

  private static void hex(StringBuilder sb, long v) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      sb.append(HEX[(int) (v >>> shift) & 0xf]);
    }
  }

  /** @return the digit's value, or -1 when it is not a lowercase hex digit */
  private static int nibble(char c) {
    return c < NIBBLES.length ? NIBBLES[c] : -1;
  }

  private static boolean isHex(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (nibble(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** @return whether the range is lowercase hex and not all zero, in one pass (a hub checks two a call) */
  private static boolean isNonZeroHex(String s, int from, int to) {
    int any = 0;
    for (int i = from; i < to; i++) {
      int d = nibble(s.charAt(i));
      if (d < 0) {
        return false;
      }
      any |= d;
    }
    return any != 0;
  }
}
