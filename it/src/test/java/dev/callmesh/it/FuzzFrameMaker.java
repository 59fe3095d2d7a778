package dev.callmesh.it;

import dev.callmesh.it.FuzzFrames.Frame;
import dev.callmesh.it.FuzzFrames.Kind;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * What the makers of one family of fuzz frames share: the slot's seeded {@link Random}, its random
 * values, and the encoding of a JSON body as a frame that knows when it breaks the frame size limit.
 */
abstract class FuzzFrameMaker {

  final Random r;
  final FuzzValues v;
  final int maxFrame;

  FuzzFrameMaker(Random r, FuzzValues v, int maxFrame) {
    this.r = r;
    this.v = v;
    this.maxFrame = maxFrame;
  }

  /** @return the JSON text as one frame; over the limit or empty, the hub must close whatever the kind says */
  Frame json(String json, Kind kind, String label) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    if (body.length > maxFrame) {
      kind = Kind.FATAL;
      label = label + "(over limit)";
    }
    if (body.length == 0) {
      kind = Kind.FATAL;
    }
    return new Frame(FuzzFrames.frame(body), kind, label);
  }

  /** @return an envelope with the three fields, whatever their values */
  Frame envelope(String type, Object id, Object payload, Kind kind, String label) {
    JsonObject e = new JsonObject().put("type", type).put("id", id).put("payload", payload);
    return json(e.encode(), kind, label);
  }
}
