package dev.callmesh.protocol.msgpack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.OutputStream;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * MessagePack at the edge: one MessagePack value to the JSON text of the same value, and back. Both
 * directions are a streaming token copy (a Jackson parser of one format feeding a generator of the
 * other): no tree of the message is built in between. The rest of callmesh keeps speaking JSON.
 * <p>
 * MessagePack {@code bin} values become base64 strings (RFC 4648, with padding) on the JSON side;
 * integers, floats, strings, booleans, nil, arrays and maps map to their JSON kinds, map keys that are
 * numbers to their decimal text. Extension types have no JSON form and are refused. Going to MessagePack,
 * a JSON string stays a string: which strings were binary is not known there.
 * <p>
 * Reading MessagePack enforces the nesting depth of the given {@link JsonLimits} and a bound on the JSON
 * it produces, so a small message cannot blow up into a large one. Safe to use from any thread.
 */
public final class MsgPack {

  /** The JSON of a MessagePack message would be larger than allowed. */
  public static final class TooLargeException extends ProtocolException {
    /** @param message what was too large, for a person */
    public TooLargeException(String message) {
      super(message);
    }
  }

  private static final MessagePackFactory MSGPACK = msgpackFactory();
  private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
      .maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).maxNestingDepth(Integer.MAX_VALUE)
      .build()).build();

  private MsgPack() {
  }

  private static MessagePackFactory msgpackFactory() {
    MessagePackFactory f = new MessagePackFactory().setReuseResourceInParser(false).setReuseResourceInGenerator(false);
    f.setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
        .maxNumberLength(Integer.MAX_VALUE).maxNestingDepth(Integer.MAX_VALUE).build());
    return f;
  }

  /**
   * @param msgpack exactly one MessagePack value
   * @param limits the nesting depth it may not exceed
   * @param maxJsonBytes the most bytes of JSON it may become
   * @return the UTF-8 JSON text of the value
   * @throws TooLargeException when its JSON would be over {@code maxJsonBytes}
   * @throws ProtocolException when it is not one well-formed MessagePack value, nests deeper than the
   *     limits allow, or holds an extension type
   */
  public static Buffer toJson(Buffer msgpack, JsonLimits limits, int maxJsonBytes) {
    ByteBuf out = Unpooled.buffer(Math.min(maxJsonBytes, Math.max(64, msgpack.length() * 2)));
    ByteBuf in = ((BufferInternal) msgpack).getByteBuf();
    byte[] bytes = in.hasArray() ? in.array() : msgpack.getBytes();
    int off = in.hasArray() ? in.arrayOffset() + in.readerIndex() : 0;
    MsgPackScan.check(bytes, off, msgpack.length());
    try (JsonParser p = MSGPACK.createParser(bytes, off, msgpack.length());
         JsonGenerator g = JSON.createGenerator((OutputStream) new Bounded(out, maxJsonBytes))) {
      copyValue(p, g, limits.maxDepth()); // the scan made sure nothing follows it
      g.flush();
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("not valid MessagePack: " + firstLine(e.getMessage()));
    }
    return BufferInternal.buffer(out);
  }

  /**
   * @param json the UTF-8 text of one JSON value (as callmesh wrote or checked it)
   * @return the same value as MessagePack
   * @throws ProtocolException when it is not JSON, or holds a number MessagePack cannot carry
   */
  public static Buffer fromJson(Buffer json) {
    ByteBuf out = Unpooled.buffer(Math.max(64, json.length()));
    try (JsonParser p = parser(JSON, json);
         JsonGenerator g = MSGPACK.createGenerator((OutputStream) new ByteBufOutputStream(out))) {
      if (p.nextToken() == null) {
        throw new ProtocolException("no JSON value to encode");
      }
      g.copyCurrentStructure(p);
      g.flush();
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ProtocolException("cannot encode as MessagePack: " + firstLine(e.getMessage()));
    }
    return BufferInternal.buffer(out);
  }

  /** Copies one value token by token, {@code bin} as base64, counting the depth. */
  private static void copyValue(JsonParser p, JsonGenerator g, int maxDepth) throws IOException {
    int depth = 0;
    do {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ProtocolException("the MessagePack value ends too early");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (++depth > maxDepth) {
            throw new ProtocolException("MessagePack nests deeper than " + maxDepth + " levels");
          }
          g.copyCurrentEvent(p);
        }
        case END_OBJECT, END_ARRAY -> {
          depth--;
          g.copyCurrentEvent(p);
        }
        case VALUE_EMBEDDED_OBJECT -> {
          if (!(p.getEmbeddedObject() instanceof byte[] bin)) {
            throw new ProtocolException("MessagePack extension types have no JSON form; send bin or str instead");
          }
          g.writeBinary(bin);
        }
        default -> g.copyCurrentEvent(p);
      }
    } while (depth > 0);
  }

  /** @return a parser over the buffer's bytes, without copying them when they are on the heap */
  private static JsonParser parser(JsonFactory factory, Buffer buffer) throws IOException {
    ByteBuf buf = ((BufferInternal) buffer).getByteBuf();
    if (buf.hasArray()) {
      return factory.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
    }
    return factory.createParser(buffer.getBytes());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no detail)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** An output that refuses to grow past a bound. */
  private static final class Bounded extends OutputStream {
    private final ByteBuf out;
    private final int max;

    Bounded(ByteBuf out, int max) {
      this.out = out;
      this.max = max;
    }

    private void room(int n) {
      if (out.writerIndex() + (long) n > max) {
        throw new TooLargeException("the message would be more than " + max + " bytes as JSON");
      }
    }

    @Override
    public void write(int b) {
      room(1);
      out.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      out.writeBytes(b, off, len);
    }
  }
}
