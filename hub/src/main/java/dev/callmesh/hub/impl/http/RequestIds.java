package dev.callmesh.hub.impl.http;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code X-Request-Id} of an HTTP request: the client's own when it is 1 to 128 characters of
 * {@code A-Z a-z 0-9 . _ : -}, otherwise (absent, or anything else) one made up here, 32 random hex digits.
 * {@link EveryResponse} puts it on every response; an HTTP call carries it as its id, so the hub's audit
 * line shows it.
 */
public final class RequestIds {

  /** The header's name. */
  public static final String HEADER = "X-Request-Id";
  /** The longest request id taken from a client. */
  public static final int MAX_LENGTH = 128;

  private static final String KEY = "callmesh.requestId";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {
  }

  /** @return whether the client's id may be used as it is: 1 to 128 of {@code [A-Za-z0-9._:-]} */
  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** @return a new request id: 32 random lowercase hex digits */
  public static String make() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(32);
    for (long v : new long[] {r.nextLong(), r.nextLong()}) {
      for (int shift = 60; shift >= 0; shift -= 4) {
        sb.append(HEX[(int) (v >>> shift) & 0xf]);
      }
    }
    return sb.toString();
  }

  /**
   * @param ctx a request
   * @return its request id, decided once: the client's valid one, or a new one
   */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      String asked = ctx.request().getHeader(HEADER);
      id = isValid(asked) ? asked : make();
      ctx.put(KEY, id);
    }
    return id;
  }
}
