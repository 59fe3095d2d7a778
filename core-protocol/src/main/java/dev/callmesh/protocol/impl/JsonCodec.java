package dev.callmesh.protocol.impl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON through Jackson's streaming parser and generator, without the data-binding layer (no
 * per-call serializer contexts): what the envelope codec and {@link dev.callmesh.protocol.RawJson} use.
 * Parsers come from the factories of each {@link JsonLimits} value ({@code Parsers}: two, for input that
 * may need its encoding detected and input that cannot), made on first use and kept (a process has one or
 * a few), so each reader enforces its own limits and none changes Jackson's JVM-wide defaults.
 */
public final class JsonCodec {

  private JsonCodec() {
  }

  private static final Parsers DEFAULT_PARSERS = Parsers.of(JsonLimits.DEFAULTS);
  private static final Map<JsonLimits, Parsers> PARSERS = new ConcurrentHashMap<>();

  /**
   * The two factories of one set of limits. Jackson looks at the first bytes of every input for a byte
   * order mark or the zero bytes of UTF-16 or UTF-32 before it makes a parser. Input whose first four bytes
   * are ASCII other than NUL cannot be either, so it goes to a factory that skips the look ({@code utf8});
   * anything else goes to one that looks, as before ({@code detecting}). Both keep Jackson's buffers in
   * {@link LoopRecyclers}.
   */
  private record Parsers(JsonFactory utf8, JsonFactory detecting) {
    static Parsers of(JsonLimits limits) {
      JsonFactory detecting = factory(limits).build();
      try {
        return new Parsers(factory(limits).disable(JsonFactory.Feature.CHARSET_DETECTION).build(), detecting);
      } catch (NoSuchFieldError olderJackson) {
        // A program that brings its own, older Jackson may lack the feature: then every parser looks.
        return new Parsers(detecting, detecting);
      }
    }

    private static JsonFactoryBuilder factory(JsonLimits limits) {
      return new JsonFactoryBuilder().recyclerPool(LoopRecyclers.POOL).streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(limits.maxDepth())
          .maxNumberLength(limits.maxNumberLength())
          .maxStringLength(limits.maxStringLength())
          .build());
    }

    JsonFactory of(byte[] bytes, int offset, int length) {
      return length >= 4 && bytes[offset] > 0 && bytes[offset + 1] > 0 && bytes[offset + 2] > 0 && bytes[offset + 3] > 0
          ? utf8 : detecting;
    }
  }

  /** @return the factories of parsers that enforce the limits */
  private static Parsers parsers(JsonLimits limits) {
    if (limits == JsonLimits.DEFAULTS) {
      return DEFAULT_PARSERS;
    }
    Parsers f = PARSERS.get(limits);
    return f != null ? f : PARSERS.computeIfAbsent(limits, Parsers::of);
  }

  /** The bytes of a buffer as an array slice, without copying when the buffer is on the heap. */
  record Bytes(byte[] array, int offset, int length) {
    static Bytes of(Buffer buffer) {
      ByteBuf buf = ((BufferInternal) buffer).getByteBuf();
      if (buf.hasArray()) {
        return new Bytes(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      }
      byte[] copy = buffer.getBytes();
      return new Bytes(copy, 0, copy.length);
    }
  }

  /** @return a parser over the bytes that enforces the limits; token offsets count from {@code offset} */
  static JsonParser parser(byte[] bytes, int offset, int length, JsonLimits limits) throws IOException {
    return parsers(limits).of(bytes, offset, length).createParser(bytes, offset, length);
  }

  /**
   * @param json the UTF-8 text of one JSON value
   * @param limits the bounds it must keep within
   * @return it decoded ({@link JsonObject}, {@link JsonArray}, string, number, boolean or {@code null})
   * @throws ProtocolException when it is not valid JSON or breaks a read limit
   */
  public static Object decodeValue(Buffer json, JsonLimits limits) {
    Bytes b = Bytes.of(json);
    return decodeValue(b.array(), b.offset(), b.length(), limits);
  }

  static Object decodeValue(byte[] bytes, int offset, int length, JsonLimits limits) {
    try {
      return wrap(JsonReader.read(bytes, offset, length, limits));
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("not valid JSON: " + EnvelopeReader.firstLine(e.getMessage()));
    }
  }

  @SuppressWarnings("unchecked")
  private static Object wrap(Object value) {
    if (value instanceof Map<?, ?> m) {
      return new JsonObject((Map<String, Object>) m);
    }
    if (value instanceof List<?> l) {
      return new JsonArray((List<Object>) l);
    }
    return value;
  }

  /** @return the UTF-8 JSON text of a value ({@link JsonObject}, {@link JsonArray}, map, list, scalar) */
  public static Buffer encode(Object value) {
    ByteBuf out = Unpooled.buffer(128);
    appendValue(out, value);
    return BufferInternal.buffer(out);
  }

  /** Appends the JSON text of a value; a {@link dev.callmesh.protocol.RawJson} is copied as it is. */
  static void appendValue(ByteBuf out, Object value) {
    JsonWriter.append(out, value);
  }

  /** Appends the bytes of a buffer. */
  static void appendBuffer(ByteBuf out, Buffer bytes) {
    out.writeBytes(((BufferInternal) bytes).getByteBuf());
  }

  /** Appends a JSON string: quotes around the escaped text. */
  static void appendString(ByteBuf out, String s) {
    JsonWriter.string(out, s);
  }
}
