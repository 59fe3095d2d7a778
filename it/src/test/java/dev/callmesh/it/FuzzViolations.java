package dev.callmesh.it;

import dev.callmesh.it.FuzzFrames.Frame;
import dev.callmesh.it.FuzzFrames.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * Frames that break the wire protocol (docs/PROTOCOL.md), so the hub must answer with {@code bye} (or {@code auth.denied}) and close
 * ({@link Kind#FATAL}): ids of no or too many characters, fields of the wrong type, JSON that is no
 * object or has no type, {@code auth.*} or {@code bye} after the welcome, nesting beyond any parser's
 * limit, lengths of zero or over the limit, and hellos that prove nothing.
 */
final class FuzzViolations extends FuzzFrameMaker {

  FuzzViolations(Random r, FuzzValues v, int maxFrame) {
    super(r, v, maxFrame);
  }

  /** A call.requested whose id is empty or longer than 128 characters. */
  Frame idOfBadLength() {
    String id = r.nextBoolean() ? "" : v.idString(129, 200);
    JsonObject p = new JsonObject().put("operationId", "/dev1/fs/stat").put("input", new JsonObject().put("path", "a.txt"));
    return envelope("call.requested", id, p, Kind.FATAL, "call.requested id of " + id.length() + " chars");
  }

  Frame wrongFieldType() {
    JsonObject e = new JsonObject().put("type", "call.requested").put("id", "wrong").put("payload",
        new JsonObject().put("operationId", "/dev1/fs/stat"));
    switch (r.nextInt(5)) {
      case 0 -> e.put("id", r.nextInt(1000));
      case 1 -> e.put("payload", new JsonArray().add(1));
      case 2 -> e.put("type", r.nextBoolean() ? (Object) 7 : new JsonObject());
      case 3 -> e.put("type", "");
      default -> e.put("payload", r.nextBoolean() ? (Object) "str" : (Object) true);
    }
    return json(e.encode(), Kind.FATAL, "wrong field type " + FuzzFrames.clip(e.encode()));
  }

  /** Valid JSON that is not an object. */
  Frame notAnObject() {
    String json = switch (r.nextInt(6)) {
      case 0 -> Integer.toString(r.nextInt());
      case 1 -> "\"" + v.randomString(10).replace("\\", "").replace("\"", "") + "\"";
      case 2 -> new JsonArray().add(v.randomValue(0)).encode();
      case 3 -> "true";
      case 4 -> "null";
      default -> "[" + new JsonObject().put("type", "ping").encode() + "]";
    };
    return json(json, Kind.FATAL, "JSON not an object: " + FuzzFrames.clip(json));
  }

  Frame noType() {
    JsonObject e = v.randomObject(0);
    e.remove("type");
    e.put("id", "x").put("payload", new JsonObject());
    return json(e.encode(), Kind.FATAL, "no type");
  }

  Frame authAfterWelcome() {
    String type = v.pick("auth.hello", "auth.challenge", "auth.welcome", "auth.denied", "auth." + v.randomString(5));
    return envelope(type, "", new JsonObject().put("signature", "x"), Kind.FATAL, type + " after welcome");
  }

  Frame bye() {
    return envelope("bye", "", new JsonObject().put("code", "PROTOCOL").put("message", "fuzz"), Kind.FATAL, "bye");
  }

  /** 100,000 levels deep: the whole body, or inside a call.requested. */
  Frame deepNesting() {
    boolean objects = r.nextBoolean();
    String deep = FuzzFrames.nesting(100_000, objects, r.nextInt(4) != 0);
    String json = r.nextBoolean() ? deep : "{\"type\":\"call.requested\",\"id\":\"deep\",\"payload\":{"
        + "\"operationId\":\"/dev1/fs/stat\",\"input\":{\"path\":" + deep + "}}}";
    return json(json, Kind.FATAL, "100000 levels of " + (objects ? "{" : "["));
  }

  /** A length of 0, or over the limit up to 4 GiB, before the start of a body. */
  Frame badLength() {
    long len = switch (r.nextInt(5)) {
      case 0 -> 0L;
      case 1 -> 0x7fffffffL;
      case 2 -> 0xffffffffL;
      case 3 -> maxFrame + 1L;
      default -> maxFrame + 1L + (long) r.nextInt(Integer.MAX_VALUE - maxFrame);
    };
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes(FuzzFrames.header(len));
    m.writeBytes("{\"type\":\"ping\"".getBytes(StandardCharsets.UTF_8));
    return new Frame(m.toByteArray(), Kind.FATAL, "length " + Long.toUnsignedString(len));
  }

  /** An auth.hello with a signature or token that proves nothing, or no proof at all. */
  Frame badHello() {
    JsonObject hello = new JsonObject();
    switch (r.nextInt(7)) {
      case 0 -> hello.put("signature", v.randomString(200));
      case 1 -> hello.put("signature", "-----BEGIN SSH SIGNATURE-----\n" + Base64.getEncoder()
          .encodeToString(v.randomBytes(300)) + "\n-----END SSH SIGNATURE-----\n");
      case 2 -> hello.put("signature", Base64.getEncoder().encodeToString(v.randomBytes(r.nextInt(20000))));
      case 3 -> hello.put("token", r.nextBoolean() ? v.randomString(150) : Base64.getUrlEncoder()
          .withoutPadding().encodeToString(v.randomBytes(104)));
      case 4 -> hello.put("signature", v.randomValue(0)).put("token", v.randomValue(0));
      case 5 -> hello.put("token", "eyJhbGciOiJFZERTQSJ9." + v.randomString(40) + "." + v.randomString(40));
      default -> hello.put("spoke", v.randomString(70)).put("operations", v.randomValue(0));
    }
    return envelope("auth.hello", r.nextBoolean() ? "" : v.idString(0, 20), hello, Kind.FATAL, "bad hello");
  }
}
