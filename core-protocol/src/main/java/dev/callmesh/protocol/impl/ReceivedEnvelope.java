package dev.callmesh.protocol.impl;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.RawJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An envelope read from a frame: the payload stays the frame's bytes, indexed ({@link PayloadIndex}),
 * and is decoded only when asked for. Everything but that decoded copy comes from the bytes.
 */
public final class ReceivedEnvelope extends AbstractEnvelope {

  private static final String[] NONE = new String[0];

  private final PayloadIndex index;
  private JsonObject payload;

  private ReceivedEnvelope(String type, String id, PayloadIndex index) {
    super(type, id);
    this.index = index;
  }

  /**
   * @param json the UTF-8 JSON of one frame; it must not change while the envelope is in use
   * @param limits the bounds the frame, and its payload when decoded, must keep within
   * @return the envelope
   * @throws dev.callmesh.protocol.ProtocolException when the frame is not an envelope within the limits
   */
  public static ReceivedEnvelope read(Buffer json, JsonLimits limits) {
    EnvelopeReader.Result r = EnvelopeReader.read(json, limits);
    return new ReceivedEnvelope(r.type(), r.id(), r.payload());
  }

  /** @return where each member of the payload sits in the frame's bytes */
  public PayloadIndex index() {
    return index;
  }

  @Override
  public JsonObject payload() {
    if (payload == null) {
      payload = index.decode();
    }
    return payload;
  }

  @Override
  public Object scalar(String name) {
    return index.scalar(name);
  }

  @Override
  public boolean objectOrAbsent(String name) {
    return index.objectOrAbsent(name);
  }

  @Override
  public RawJson raw(String name) {
    return index.raw(name);
  }

  @Override
  public Buffer encode() {
    return EnvelopeWriter.rewrite(type(), id(), index, NONE, NONE);
  }
}
