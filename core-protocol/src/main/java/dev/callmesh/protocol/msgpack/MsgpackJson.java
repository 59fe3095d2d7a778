package dev.callmesh.protocol.msgpack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.callmesh.protocol.JsonLimits;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.jackson.dataformat.MessagePackFactory;

/**
 * MessagePack to JSON text and back, one value at a time, as a streaming copy of tokens: neither direction
 * builds a tree of the message.
 * <ul>
 *   <li>{@link #toJson}: MessagePack's {@code bin} values become base64 strings (standard alphabet, padded);
 *       {@code ext} values are refused; exactly one value, nothing after it; the nesting depth and the size of
 *       the JSON are bounded.</li>
 *   <li>{@link #fromJson}: two passes over the JSON text, the first counting each object's members and each
 *       array's elements (MessagePack writes a container's size before its content), the second writing.
 *       Strings stay strings; integers beyond 64 bits become doubles.</li>
 * </ul>
 * Both are safe to call from any thread.
 */
public final class MsgpackJson {

  /** The MessagePack input is too large once written as JSON. */
  public static final class TooLargeException extends IllegalArgumentException {
    TooLargeException(String message) {
      super(message);
    }
  }

  private static final MessagePackFactory MSGPACK = new MessagePackFactory();
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
          .maxNestingDepth(Integer.MAX_VALUE).build())
      .build();
  private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private MsgpackJson() {
  }

  /**
   * @param msgpack one MessagePack value
   * @param limits its nesting depth is bounded by {@link JsonLimits#maxDepth()}
   * @param maxJsonBytes the largest JSON text it may become
   * @return the value as UTF-8 JSON text
   * @throws TooLargeException when the JSON would be larger than maxJsonBytes
   * @throws IllegalArgumentException when the bytes are not one MessagePack value, nest too deep, or hold an
   *     {@code ext} value; the message says which
   */
  public static Buffer toJson(Buffer msgpack, JsonLimits limits, int maxJsonBytes) {
    BoundedOutput out = new BoundedOutput(maxJsonBytes);
    try (JsonParser p = MSGPACK.createParser(msgpack.getBytes()); JsonGenerator g = JSON.createGenerator(out)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("the MessagePack body is empty");
      }
      int depth = 0;
      do {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (++depth > limits.maxDepth()) {
            throw new IllegalArgumentException("the MessagePack value nests deeper than " + limits.maxDepth());
          }
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        }
        if (t == JsonToken.VALUE_EMBEDDED_OBJECT) {
          if (!(p.getEmbeddedObject() instanceof byte[] bin)) {
            throw new IllegalArgumentException("MessagePack ext values are not supported; send bin or str");
          }
          g.writeBinary(bin);
        } else {
          g.copyCurrentEvent(p);
        }
      } while (depth > 0 && (t = p.nextToken()) != null);
      if (depth > 0) {
        throw new IllegalArgumentException("the MessagePack value is cut short");
      }
      if (!atEnd(p)) {
        throw new IllegalArgumentException("the MessagePack body holds more than one value");
      }
    } catch (TooLargeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (e.getCause() instanceof TooLargeException tooLarge) {
        throw tooLarge;
      }
      throw e instanceof IllegalArgumentException iae ? iae
          : new IllegalArgumentException("not valid MessagePack: " + e.getMessage(), e);
    }
    return out.buffer;
  }

  /** @return whether the parser has no more input (MessagePack's parser says so with an EOF exception) */
  private static boolean atEnd(JsonParser p) throws IOException {
    try {
      return p.nextToken() == null;
    } catch (JsonEOFException e) {
      return true;
    }
  }

  /**
   * @param json one JSON value as UTF-8 text (as the hub writes it)
   * @return the same value as MessagePack
   * @throws IllegalArgumentException when the text is not JSON
   */
  public static Buffer fromJson(Buffer json) {
    byte[] text = json.getBytes();
    try {
      int[] counts = count(text);
      MessageBufferPacker packer = MessagePack.newDefaultBufferPacker();
      int next = 0;
      try (JsonParser p = JSON.createParser(text)) {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
          switch (t) {
            case START_OBJECT -> packer.packMapHeader(counts[next++]);
            case START_ARRAY -> packer.packArrayHeader(counts[next++]);
            case FIELD_NAME -> packer.packString(p.currentName());
            case VALUE_STRING -> packer.packString(p.getText());
            case VALUE_NUMBER_INT -> packInteger(packer, p);
            case VALUE_NUMBER_FLOAT -> packer.packDouble(p.getDoubleValue());
            case VALUE_TRUE -> packer.packBoolean(true);
            case VALUE_FALSE -> packer.packBoolean(false);
            case VALUE_NULL -> packer.packNil();
            default -> { } // END_OBJECT, END_ARRAY: sizes were written up front
          }
        }
      }
      return Buffer.buffer(packer.toByteArray());
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  private static void packInteger(MessageBufferPacker packer, JsonParser p) throws IOException {
    if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      packer.packLong(p.getLongValue());
      return;
    }
    BigInteger big = p.getBigIntegerValue();
    if (big.signum() >= 0 && big.compareTo(MAX_UINT64) <= 0) {
      packer.packBigInteger(big);
    } else {
      packer.packDouble(big.doubleValue());
    }
  }

  /** @return the size of each object (members) and array (elements), in the order they open */
  private static int[] count(byte[] text) throws IOException {
    int[] counts = new int[16];
    int n = 0;
    int[] open = new int[16]; // indexes into counts of the containers now open, innermost last
    boolean[] isArray = new boolean[16];
    int top = -1;
    try (JsonParser p = JSON.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          top--;
          continue;
        }
        if (top >= 0 && (t == JsonToken.FIELD_NAME || isArray[top])) {
          counts[open[top]]++;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          if (n == counts.length) {
            counts = Arrays.copyOf(counts, n * 2);
          }
          if (++top == open.length) {
            open = Arrays.copyOf(open, top * 2);
            isArray = Arrays.copyOf(isArray, top * 2);
          }
          counts[n] = 0;
          open[top] = n++;
          isArray[top] = t == JsonToken.START_ARRAY;
        }
      }
    }
    return counts;
  }

  /** A Buffer that refuses to grow past its limit. */
  private static final class BoundedOutput extends OutputStream {
    final Buffer buffer = Buffer.buffer();
    final int max;

    BoundedOutput(int max) {
      this.max = max;
    }

    @Override
    public void write(int b) {
      room(1);
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      room(len);
      buffer.appendBytes(b, off, len);
    }

    private void room(int more) {
      if (buffer.length() + (long) more > max) {
        throw new TooLargeException("the body is larger than " + max + " bytes once written as JSON");
      }
    }
  }
}
