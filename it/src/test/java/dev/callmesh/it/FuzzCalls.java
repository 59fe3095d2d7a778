package dev.callmesh.it;

import dev.callmesh.it.FuzzFrames.Frame;
import dev.callmesh.it.FuzzFrames.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Well-formed envelopes after the welcome, however odd their content: calls with random paths and
 * inputs, events for ids nobody uses, unknown types, deep or long or huge but legal bodies, the events of
 * one id in any order, calls left open. The hub must keep the connection ({@link Kind#OK}).
 */
final class FuzzCalls extends FuzzFrameMaker {

  /** The events that end, feed or answer a call. */
  static final String[] CALL_ENDS = {"call.credit", "call.aborted", "call.completed", "call.error", "call.responded"};
  /** The call events of docs/PROTOCOL.md and the keepalive: an unknown type must be none of them. */
  static final String[] TYPES = {"call.requested", "call.responded", "call.completed", "call.aborted", "call.error",
      "call.credit", "ping", "pong"};

  FuzzCalls(Random r, FuzzValues v, int maxFrame) {
    super(r, v, maxFrame);
  }

  /** A call.requested with random operation, input, deadlines, window, parent, metadata and caller. */
  Frame callRequested(String id) {
    String op = v.randomOperationId();
    JsonObject p = new JsonObject();
    if (r.nextInt(20) == 0) {
      p.put("operationId", v.randomValue(0)); // not a string: call.error INVALID_INPUT
    } else {
      p.put("operationId", op);
    }
    switch (r.nextInt(10)) {
      case 0 -> p.put("input", new JsonArray().add(1).add("x")); // input as array: call.error
      case 1 -> p.put("input", v.randomValue(0));
      case 2 -> { } // no input
      default -> p.put("input", v.randomInput(op));
    }
    if (r.nextInt(3) == 0) {
      p.put("timeoutMs", v.pick("n", "big", "neg", "str").equals("str") ? (Object) "soon"
          : r.nextBoolean() ? (Object) (long) r.nextInt(3000) : (Object) (r.nextLong() >> r.nextInt(64)));
    }
    if (r.nextInt(4) == 0) {
      p.put("idleTimeoutMs", r.nextBoolean() ? r.nextInt(2000) - 100 : v.randomValue(0));
    }
    if (r.nextInt(4) == 0) {
      p.put("window", r.nextBoolean() ? r.nextInt(5) - 1 : v.randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("parentRequestId", r.nextBoolean() ? v.idString(1, 10) : v.randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("metadata", v.randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("caller", new JsonObject().put("id", "admin").put("spoke", "dev1")); // must be overwritten
    }
    return envelope("call.requested", id, p, Kind.OK,
        "call.requested " + FuzzFrames.clip(String.valueOf(p.getValue("operationId"))));
  }

  /** A credit, abort, completion, error or response for an id that has no call. */
  Frame endForUnknownId() {
    String type = CALL_ENDS[r.nextInt(CALL_ENDS.length)];
    JsonObject p = switch (type) {
      case "call.credit" -> new JsonObject().put("n", r.nextBoolean() ? r.nextInt() : v.randomValue(0));
      case "call.error" -> r.nextBoolean() ? new JsonObject().put("code", "NOT_FOUND").put("message", "x")
          .put("retryable", false) : v.randomObject(0);
      case "call.responded" -> new JsonObject().put("output", v.randomValue(0));
      default -> v.randomObject(0);
    };
    return envelope(type, v.idString(0, 200), p, Kind.OK, type + " for an unknown id");
  }

  Frame unknownType() {
    String type = r.nextBoolean() ? "x." + v.randomString(20) : v.randomString(30);
    if (type.isEmpty() || type.startsWith("auth.") || List.of(TYPES).contains(type) || type.equals("bye")) {
      type = "unknown.event";
    }
    return envelope(type, v.idString(0, 20), v.randomObject(0), Kind.OK, "unknown type");
  }

  Frame pingOrPong() {
    String type = r.nextBoolean() ? "ping" : "pong";
    return envelope(type, r.nextBoolean() ? "" : v.idString(0, 30), r.nextBoolean()
        ? new JsonObject().put("t", System.currentTimeMillis()) : v.randomObject(0), Kind.OK, type);
  }

  /** Extra unknown top-level fields, and the fields in another order. */
  Frame extraTopLevelFields() {
    String json = "{\"zz\":" + new JsonArray().add(v.randomValue(0)).encode() + ",\"payload\":"
        + new JsonObject().put("n", 1).encode() + ",\"id\":\"" + v.idString(1, 10) + "\",\"type\":\"call.credit\","
        // a name written by hand: no backslash, quote or control character, or it would not be JSON
        + "\"" + v.randomString(5).replaceAll("[\\\\\"\\x00-\\x1f]", "") + "x\":" + r.nextInt() + "}";
    return json(json, Kind.OK, "extra top-level fields");
  }

  /**
   * Nested deep, but within the hub's JSON depth limit ({@code JsonLimits.DEFAULT_MAX_DEPTH}, 256, counted
   * from the envelope: the envelope, payload and input objects add 3).
   */
  Frame deepWithinLimits() {
    int levels = 10 + r.nextInt(dev.callmesh.protocol.JsonLimits.DEFAULT_MAX_DEPTH - 4 - 10);
    String json = "{\"type\":\"call.requested\",\"id\":\"" + v.idString(1, 20) + "\",\"payload\":{"
        + "\"operationId\":\"" + v.pick("/dev1/fs/stat", "/services/list", "/nospoke/x/y") + "\",\"input\":{\"x\":"
        + FuzzFrames.nesting(levels, r.nextBoolean(), true) + "}}}";
    return json(json, Kind.OK, levels + " levels deep");
  }

  /** A string of up to 200,000 characters, at times just under or over the frame limit. */
  Frame longString() {
    int len = r.nextInt(4) == 0 ? maxFrame - 200 + r.nextInt(400) : r.nextInt(200_000);
    String s = "y".repeat(Math.max(0, len));
    JsonObject p = new JsonObject().put("operationId", v.pick("/dev1/fs/stat", "/services/list", "/services/schema"))
        .put("input", new JsonObject().put(v.pick("path", "name", "prefix", "zz"), s));
    return envelope(r.nextBoolean() ? "call.requested" : "x.long", v.idString(1, 20), p, Kind.OK, "long string " + len);
  }

  /** An input with an array of up to 50,000 elements. */
  Frame hugeInput() {
    JsonObject in = new JsonObject().put("path", "a.txt");
    JsonArray a = new JsonArray();
    for (int i = r.nextInt(50_000); i > 0; i--) {
      a.add(i);
    }
    in.put("arr", a);
    return envelope("call.requested", v.idString(1, 20), new JsonObject().put("operationId", "/dev1/fs/stat")
        .put("input", in), Kind.OK, "huge input " + a.size());
  }

  /** A call and every event of its id, shuffled, in one write. */
  Frame eventsOfOneIdShuffled() {
    String id = "seq-" + v.idString(1, 10);
    List<Frame> seq = new ArrayList<>();
    seq.add(envelope("call.requested", id, new JsonObject().put("operationId", v.pick("/dev1/search/grep",
        "/dev1/fs/stat", "/hub/spokes/watch")).put("window", r.nextInt(3)).put("input",
        new JsonObject().put("pattern", "a").put("path", "a.txt")), Kind.OK, "seq"));
    for (String t : CALL_ENDS) {
      seq.add(envelope(t, id, new JsonObject().put("n", r.nextInt(5) - 1).put("output", 1).put("code", "ABORTED"),
          Kind.OK, "seq"));
    }
    seq.add(envelope("call.requested", id, new JsonObject().put("operationId", "/dev1/fs/stat")
        .put("input", new JsonObject().put("path", "a.txt")), Kind.OK, "seq"));
    Collections.shuffle(seq, r);
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    seq.forEach(f -> m.writeBytes(f.bytes()));
    return new Frame(m.toByteArray(), Kind.OK, "events of one id in random order", seq.size());
  }

  /** A call that stays open: a subscription with no credit, a slow command's output. */
  Frame openCall() {
    String id = "open-" + v.idString(1, 10);
    JsonObject p = new JsonObject().put("operationId", v.pick("/dev1/search/grep", "/hub/spokes/watch", "/dev1/fs/stat"))
        .put("input", new JsonObject().put("pattern", "a").put("path", "a.txt")).put("window", r.nextInt(2));
    return envelope("call.requested", id, p, Kind.OK, "open call");
  }
}
