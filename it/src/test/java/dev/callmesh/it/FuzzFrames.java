package dev.callmesh.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Makes random and mutated frames for {@link FuzzIT} from a seeded {@link Random}, each tagged with
 * what SPEC §2 says the hub must do with it, so the test can tell a wrong close from a right one.
 */
final class FuzzFrames {

  /** What the hub must do with a frame sent after the welcome. */
  enum Kind {
    /** Keep the connection open (it may answer, e.g. call.error). */
    OK,
    /** Either is allowed (mutated or random bytes: usually, but not always, a violation). */
    MAYBE,
    /** Close the connection (a protocol violation, bye, auth.* after the welcome). */
    FATAL,
    /** A frame cut short: the sender closes the socket itself right after it. */
    END
  }

  /** One generated frame: its bytes on the wire, what it must cause, and a short label for reports. */
  record Frame(byte[] bytes, Kind kind, String label, int count) {
    Frame(byte[] bytes, Kind kind, String label) {
      this(bytes, kind, label, 1);
    }
  }

  static final String[] TYPES = {"call.requested", "call.responded", "call.completed", "call.aborted", "call.error",
      "call.credit", "ping", "pong"};
  static final String[] CALL_ENDS = {"call.credit", "call.aborted", "call.completed", "call.error", "call.responded"};
  static final String[] GOOD_OPS = {"/dev1/fs/stat", "/dev1/fs/readFile", "/dev1/fs/list", "/dev1/search/files",
      "/services/list", "/services/schema", "/hub/spokes/list", "/dev1/fs/writeFile", "/dev1/bash/run",
      "/nospoke/fs/stat", "/dev1/nope/nope", "/hub/services/register", "/dev1/search/grep"};

  private static final String ODD = "/.-_~%\\\"\u0000\u2028\ud83d\ude00";

  private static final String PUNCT = "{}[]\",:\\0-9eE";
  /** Frame categories by what they do (the ranges of {@link #afterWelcome}'s switch). */
  private static final int[][] DISRUPTIVE = {{20, 22}, {45, 65}, {74, 94}};
  private static final int[][] LARGE = {{68, 74}};
  private static final int[][] SMALL = {{0, 20}, {22, 45}, {65, 68}, {94, 100}};

  private final Random r;
  private final int maxFrame;

  FuzzFrames(Random r, int maxFrame) {
    this.r = r;
    this.maxFrame = maxFrame;
  }

  static byte[] frame(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  static byte[] header(long length) {
    return ByteBuffer.allocate(4).putInt((int) length).array();
  }

  private Frame json(String json, Kind kind, String label) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    if (body.length > maxFrame) {
      kind = Kind.FATAL;
      label = label + "(over limit)";
    }
    if (body.length == 0) {
      kind = Kind.FATAL;
    }
    return new Frame(frame(body), kind, label);
  }

  private Frame envelope(String type, Object id, Object payload, Kind kind, String label) {
    JsonObject e = new JsonObject().put("type", type).put("id", id).put("payload", payload);
    return json(e.encode(), kind, label);
  }

  // ---- random values ----

  String randomString(int maxLen) {
    int n = r.nextInt(maxLen + 1);
    StringBuilder sb = new StringBuilder(n);
    int style = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (style) {
        case 0 -> sb.append((char) ('a' + r.nextInt(26)));
        case 1 -> sb.append((char) (32 + r.nextInt(95)));
        case 2 -> sb.append((char) r.nextInt(0x3000)); // controls, Latin, CJK..., escapes needed
        default -> sb.append(ODD.charAt(r.nextInt(ODD.length())));
      }
    }
    return sb.toString();
  }

  /** @return a lone surrogate at times too: encoded by Vert.x as '?', still valid JSON */
  String idString(int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(r.nextInt(8) == 0 ? (char) (0x80 + r.nextInt(0x700)) : (char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  Object randomValue(int depth) {
    switch (r.nextInt(depth > 3 ? 6 : 8)) {
      case 0: return null;
      case 1: return r.nextBoolean();
      case 2: return r.nextInt();
      case 3: return r.nextBoolean() ? r.nextLong() : r.nextDouble() * Math.pow(10, r.nextInt(600) - 300);
      case 4:
      case 5: return randomString(40);
      case 6: {
        JsonArray a = new JsonArray();
        for (int i = r.nextInt(5); i > 0; i--) {
          a.add(randomValue(depth + 1));
        }
        return a;
      }
      default: return randomObject(depth + 1);
    }
  }

  JsonObject randomObject(int depth) {
    JsonObject o = new JsonObject();
    for (int i = r.nextInt(5); i > 0; i--) {
      o.put(r.nextInt(3) == 0 ? randomString(12) : pick("path", "n", "output", "code", "message", "retryable",
          "window", "timeoutMs", "idleTimeoutMs", "input", "operationId", "reason", "t", "details"), randomValue(depth));
    }
    return o;
  }

  String pick(String... options) {
    return options[r.nextInt(options.length)];
  }

  String randomOperationId() {
    switch (r.nextInt(6)) {
      case 0:
      case 1: return GOOD_OPS[r.nextInt(GOOD_OPS.length)];
      case 2: return "/" + randomString(30);
      case 3: {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i >= 0; i--) {
          sb.append('/').append(pick("dev1", "..", ".", "", "fs", "stat", "hub", "services", "%2e%2e", "DEV1"));
        }
        return sb.toString();
      }
      case 4: return "/dev1/" + "x".repeat(r.nextInt(3000));
      default: return randomString(200);
    }
  }

  JsonObject randomInput(String op) {
    JsonObject in = new JsonObject();
    switch (r.nextInt(5)) {
      case 0 -> in.put("path", pick("a.txt", "bb.txt", ".", "..", "../../etc/passwd", "/etc/passwd", "", "nope",
          "dir", "dir/x.txt", "/", "a.txt/..", "\u0000"));
      case 1 -> in.put("path", randomValue(0));
      case 2 -> in = randomObject(0);
      case 3 -> in.put("path", "a.txt").put("pattern", randomString(20)).put("glob", randomString(10))
          .put("depth", r.nextInt(10) - 3).put("maxResults", r.nextInt(20) - 2).put("name", op);
      default -> { }
    }
    return in;
  }

  // ---- frames after the welcome ----

  Frame callRequested(String id) {
    String op = randomOperationId();
    JsonObject p = new JsonObject();
    if (r.nextInt(20) == 0) {
      p.put("operationId", randomValue(0)); // not a string: call.error INVALID_INPUT
    } else {
      p.put("operationId", op);
    }
    switch (r.nextInt(10)) {
      case 0 -> p.put("input", new JsonArray().add(1).add("x")); // input as array: call.error
      case 1 -> p.put("input", randomValue(0));
      case 2 -> { } // no input
      default -> p.put("input", randomInput(op));
    }
    if (r.nextInt(3) == 0) {
      p.put("timeoutMs", pick("n", "big", "neg", "str").equals("str") ? (Object) "soon"
          : r.nextBoolean() ? (Object) (long) r.nextInt(3000) : (Object) (r.nextLong() >> r.nextInt(64)));
    }
    if (r.nextInt(4) == 0) {
      p.put("idleTimeoutMs", r.nextBoolean() ? r.nextInt(2000) - 100 : randomValue(0));
    }
    if (r.nextInt(4) == 0) {
      p.put("window", r.nextBoolean() ? r.nextInt(5) - 1 : randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("parentRequestId", r.nextBoolean() ? idString(1, 10) : randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("metadata", randomValue(0));
    }
    if (r.nextInt(6) == 0) {
      p.put("caller", new JsonObject().put("id", "admin").put("spoke", "dev1")); // must be overwritten
    }
    return envelope("call.requested", id, p, Kind.OK, "call.requested " + clip(String.valueOf(p.getValue("operationId"))));
  }

  static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  /** @return a frame body of {@code levels} nested arrays or objects, closed or not */
  static String nesting(int levels, boolean objects, boolean closed) {
    StringBuilder sb = new StringBuilder(levels * 6);
    sb.append(objects ? repeat("{\"a\":", levels) : repeat("[", levels)).append("1");
    if (closed) {
      sb.append(objects ? repeat("}", levels) : repeat("]", levels));
    }
    return sb.toString();
  }

  /** @return the next frame for an authenticated connection */
  Frame afterWelcome() {
    // Mostly frames that keep the connection open, so a connection carries some 25 frames on average.
    int roll = r.nextInt(1000);
    int c = fromRanges(roll < 40 ? DISRUPTIVE : roll < 48 ? LARGE : SMALL);
    if (c < 20) {
      return callRequested(idString(1, 128));
    }
    if (c < 22) {
      String id = r.nextBoolean() ? "" : idString(129, 200);
      JsonObject p = new JsonObject().put("operationId", "/dev1/fs/stat").put("input", new JsonObject().put("path", "a.txt"));
      return envelope("call.requested", id, p, Kind.FATAL, "call.requested id of " + id.length() + " chars");
    }
    if (c < 32) {
      String type = CALL_ENDS[r.nextInt(CALL_ENDS.length)];
      JsonObject p = switch (type) {
        case "call.credit" -> new JsonObject().put("n", r.nextBoolean() ? r.nextInt() : randomValue(0));
        case "call.error" -> r.nextBoolean() ? new JsonObject().put("code", "NOT_FOUND").put("message", "x")
            .put("retryable", false) : randomObject(0);
        case "call.responded" -> new JsonObject().put("output", randomValue(0));
        default -> randomObject(0);
      };
      return envelope(type, idString(0, 200), p, Kind.OK, type + " for an unknown id");
    }
    if (c < 37) {
      String type = r.nextBoolean() ? "x." + randomString(20) : randomString(30);
      if (type.isEmpty() || type.startsWith("auth.") || List.of(TYPES).contains(type) || type.equals("bye")) {
        type = "unknown.event";
      }
      return envelope(type, idString(0, 20), randomObject(0), Kind.OK, "unknown type");
    }
    if (c < 40) {
      String type = r.nextBoolean() ? "ping" : "pong";
      return envelope(type, r.nextBoolean() ? "" : idString(0, 30), r.nextBoolean()
          ? new JsonObject().put("t", System.currentTimeMillis()) : randomObject(0), Kind.OK, type);
    }
    if (c < 45) { // extra unknown top-level fields, and fields in any order
      String json = "{\"zz\":" + new JsonArray().add(randomValue(0)).encode() + ",\"payload\":"
          + new JsonObject().put("n", 1).encode() + ",\"id\":\"" + idString(1, 10) + "\",\"type\":\"call.credit\","
          + "\"" + randomString(5).replace("\\", "").replace("\"", "") + "x\":" + r.nextInt() + "}";
      return json(json, Kind.OK, "extra top-level fields");
    }
    if (c < 50) { // wrong field types
      JsonObject e = new JsonObject().put("type", "call.requested").put("id", "wrong").put("payload",
          new JsonObject().put("operationId", "/dev1/fs/stat"));
      switch (r.nextInt(5)) {
        case 0 -> e.put("id", r.nextInt(1000));
        case 1 -> e.put("payload", new JsonArray().add(1));
        case 2 -> e.put("type", r.nextBoolean() ? (Object) 7 : new JsonObject());
        case 3 -> e.put("type", "");
        default -> e.put("payload", r.nextBoolean() ? (Object) "str" : (Object) true);
      }
      return json(e.encode(), Kind.FATAL, "wrong field type " + clip(e.encode()));
    }
    if (c < 55) { // valid JSON that is not an object
      String json = switch (r.nextInt(6)) {
        case 0 -> Integer.toString(r.nextInt());
        case 1 -> "\"" + randomString(10).replace("\\", "").replace("\"", "") + "\"";
        case 2 -> new JsonArray().add(randomValue(0)).encode();
        case 3 -> "true";
        case 4 -> "null";
        default -> "[" + new JsonObject().put("type", "ping").encode() + "]";
      };
      return json(json, Kind.FATAL, "JSON not an object: " + clip(json));
    }
    if (c < 58) {
      JsonObject e = randomObject(0);
      e.remove("type");
      e.put("id", "x").put("payload", new JsonObject());
      return json(e.encode(), Kind.FATAL, "no type");
    }
    if (c < 61) {
      String type = pick("auth.hello", "auth.challenge", "auth.welcome", "auth.denied", "auth." + randomString(5));
      return envelope(type, "", new JsonObject().put("signature", "x"), Kind.FATAL, type + " after welcome");
    }
    if (c < 63) {
      return envelope("bye", "", new JsonObject().put("code", "PROTOCOL").put("message", "fuzz"), Kind.FATAL, "bye");
    }
    if (c < 65) { // 100,000 levels deep: the whole body, or inside a call.requested
      boolean objects = r.nextBoolean();
      String deep = nesting(100_000, objects, r.nextInt(4) != 0);
      String json = r.nextBoolean() ? deep : "{\"type\":\"call.requested\",\"id\":\"deep\",\"payload\":{"
          + "\"operationId\":\"/dev1/fs/stat\",\"input\":{\"path\":" + deep + "}}}";
      return json(json, Kind.FATAL, "100000 levels of " + (objects ? "{" : "["));
    }
    if (c < 68) { // deep but within what a JSON parser must take: stays open
      int levels = 10 + r.nextInt(400);
      String json = "{\"type\":\"call.requested\",\"id\":\"" + idString(1, 20) + "\",\"payload\":{"
          + "\"operationId\":\"" + pick("/dev1/fs/stat", "/services/list", "/nospoke/x/y") + "\",\"input\":{\"x\":"
          + nesting(levels, r.nextBoolean(), true) + "}}}";
      return json(json, Kind.OK, levels + " levels deep");
    }
    if (c < 71) { // long strings
      int len = r.nextInt(4) == 0 ? maxFrame - 200 + r.nextInt(400) : r.nextInt(200_000);
      String s = "y".repeat(Math.max(0, len));
      JsonObject p = new JsonObject().put("operationId", pick("/dev1/fs/stat", "/services/list", "/services/schema"))
          .put("input", new JsonObject().put(pick("path", "name", "prefix", "zz"), s));
      return envelope(r.nextBoolean() ? "call.requested" : "x.long", idString(1, 20), p, Kind.OK, "long string " + len);
    }
    if (c < 74) { // huge inputs: many fields and elements
      JsonObject in = new JsonObject().put("path", "a.txt");
      JsonArray a = new JsonArray();
      for (int i = r.nextInt(50_000); i > 0; i--) {
        a.add(i);
      }
      in.put("arr", a);
      return envelope("call.requested", idString(1, 20), new JsonObject().put("operationId", "/dev1/fs/stat")
          .put("input", in), Kind.OK, "huge input " + a.size());
    }
    if (c < 78) { // random bytes with a correct length
      byte[] b = new byte[1 + r.nextInt(r.nextBoolean() ? 64 : 4096)];
      r.nextBytes(b);
      return new Frame(frame(b), Kind.MAYBE, "random bytes");
    }
    if (c < 84) { // a valid frame with its body mutated (the length kept right)
      Frame base = callRequested(idString(1, 30));
      byte[] body = java.util.Arrays.copyOfRange(base.bytes(), 4, base.bytes().length);
      ByteArrayOutputStream m = new ByteArrayOutputStream();
      int edits = 1 + r.nextInt(4);
      List<Integer> at = new ArrayList<>();
      for (int i = 0; i < edits; i++) {
        at.add(r.nextInt(body.length));
      }
      Collections.sort(at);
      int k = 0;
      for (int i = 0; i < body.length; i++) {
        boolean edit = k < at.size() && at.get(k) == i;
        while (k < at.size() && at.get(k) == i) {
          k++;
        }
        if (!edit) {
          m.write(body[i]);
          continue;
        }
        switch (r.nextInt(4)) {
          case 0 -> m.write(r.nextInt(256)); // replace
          case 1 -> { } // delete
          case 2 -> {
            m.write(body[i]);
            m.write(PUNCT.charAt(r.nextInt(PUNCT.length())));
          }
          default -> m.write(body[i] ^ (1 << r.nextInt(8))); // flip a bit
        }
      }
      byte[] mutated = m.toByteArray();
      return new Frame(frame(mutated.length == 0 ? new byte[] {'{'} : mutated), Kind.MAYBE, "mutated");
    }
    if (c < 87) { // bad lengths
      long len = switch (r.nextInt(5)) {
        case 0 -> 0L;
        case 1 -> 0x7fffffffL;
        case 2 -> 0xffffffffL;
        case 3 -> maxFrame + 1L;
        default -> maxFrame + 1L + (long) r.nextInt(Integer.MAX_VALUE - maxFrame);
      };
      ByteArrayOutputStream m = new ByteArrayOutputStream();
      m.writeBytes(header(len));
      m.writeBytes("{\"type\":\"ping\"".getBytes(StandardCharsets.UTF_8));
      return new Frame(m.toByteArray(), Kind.FATAL, "length " + Long.toUnsignedString(len));
    }
    if (c < 89) { // truncated: a header promising more than follows
      Frame base = callRequested(idString(1, 30));
      int cut = 1 + r.nextInt(base.bytes().length - 1);
      return new Frame(java.util.Arrays.copyOf(base.bytes(), cut), Kind.END, "truncated at " + cut);
    }
    if (c < 94) { // invalid UTF-8 inside a string
      byte[] pre = "{\"type\":\"call.credit\",\"id\":\"u".getBytes(StandardCharsets.UTF_8);
      byte[] bad = switch (r.nextInt(4)) {
        case 0 -> new byte[] {(byte) 0xc3, 0x28};
        case 1 -> new byte[] {(byte) 0xff};
        case 2 -> new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}; // an encoded surrogate
        default -> new byte[] {(byte) 0xf0, (byte) 0x9f};
      };
      byte[] post = "\",\"payload\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.allocate(pre.length + bad.length + post.length).put(pre).put(bad).put(post);
      return new Frame(frame(b.array()), Kind.MAYBE, "invalid UTF-8");
    }
    if (c < 97) { // the events of one id in a random order
      String id = "seq-" + idString(1, 10);
      List<Frame> seq = new ArrayList<>();
      seq.add(envelope("call.requested", id, new JsonObject().put("operationId", pick("/dev1/search/grep",
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
    // calls that stay open: subscriptions with no credit, a slow command's output
    String id = "open-" + idString(1, 10);
    JsonObject p = new JsonObject().put("operationId", pick("/dev1/search/grep", "/hub/spokes/watch", "/dev1/fs/stat"))
        .put("input", new JsonObject().put("pattern", "a").put("path", "a.txt")).put("window", r.nextInt(2));
    return envelope("call.requested", id, p, Kind.OK, "open call");
  }

  private int fromRanges(int[][] ranges) {
    int total = 0;
    for (int[] range : ranges) {
      total += range[1] - range[0];
    }
    int x = r.nextInt(total);
    for (int[] range : ranges) {
      if (x < range[1] - range[0]) {
        return range[0] + x;
      }
      x -= range[1] - range[0];
    }
    throw new IllegalStateException();
  }

  /** @return a first frame for a connection that has not authenticated: all must be denied */
  Frame beforeWelcome() {
    int c = r.nextInt(10);
    if (c < 4) {
      JsonObject hello = new JsonObject();
      switch (r.nextInt(7)) {
        case 0 -> hello.put("signature", randomString(200));
        case 1 -> hello.put("signature", "-----BEGIN SSH SIGNATURE-----\n" + java.util.Base64.getEncoder()
            .encodeToString(randomBytes(300)) + "\n-----END SSH SIGNATURE-----\n");
        case 2 -> hello.put("signature", java.util.Base64.getEncoder().encodeToString(randomBytes(r.nextInt(20000))));
        case 3 -> hello.put("token", r.nextBoolean() ? randomString(150) : java.util.Base64.getUrlEncoder()
            .withoutPadding().encodeToString(randomBytes(104)));
        case 4 -> hello.put("signature", randomValue(0)).put("token", randomValue(0));
        case 5 -> hello.put("token", "eyJhbGciOiJFZERTQSJ9." + randomString(40) + "." + randomString(40));
        default -> hello.put("spoke", randomString(70)).put("operations", randomValue(0));
      }
      return envelope("auth.hello", r.nextBoolean() ? "" : idString(0, 20), hello, Kind.FATAL, "bad hello");
    }
    Frame f = afterWelcome();
    // Anything but a hello is denied before the welcome, even what is fine afterwards.
    return new Frame(f.bytes(), f.kind() == Kind.END ? Kind.END : Kind.FATAL, "before welcome: " + f.label(), f.count());
  }

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
