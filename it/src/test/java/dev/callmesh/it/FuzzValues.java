package dev.callmesh.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;

/**
 * Random JSON values, strings, ids, operation paths and inputs for the fuzz frames ({@link FuzzFrames}),
 * all drawn from one seeded {@link Random} so that a run replays exactly.
 */
final class FuzzValues {

  /** Operations a call may name: real ones (allowed or not), a missing spoke, a missing operation. */
  static final String[] GOOD_OPS = {"/dev1/fs/stat", "/dev1/fs/readFile", "/dev1/fs/list", "/dev1/search/files",
      "/services/list", "/services/schema", "/hub/spokes/list", "/dev1/fs/writeFile", "/dev1/bash/run",
      "/nospoke/fs/stat", "/dev1/nope/nope", "/hub/services/register", "/dev1/search/grep"};

  private static final String ODD = "/.-_~%\\\"\u0000\u2028\ud83d\ude00";

  private final Random r;

  FuzzValues(Random r) {
    this.r = r;
  }

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

  byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
