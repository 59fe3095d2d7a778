package dev.callmesh.protocol.impl;

import dev.callmesh.protocol.JsonLimits;
import dev.callmesh.protocol.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;

/**
 * Where each member of a received payload sits in the frame's bytes, and the value of each small
 * scalar member (an operation id, a timeout, a credit), read in the same pass that checked the frame.
 * The rest ({@code input}, {@code output}, nested objects) stays bytes until asked for: a relay copies
 * them on untouched, everyone else decodes them once. Read limits met only when a member is decoded
 * are those the frame was read with.
 * <p>
 * Complete once the reader (or {@link #encode}) has closed it; from then on it does not change and may
 * be shared, for instance by a request and the requests made from it with members replaced.
 */
public final class PayloadIndex {

  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  /** The payload member whose object is indexed as well ({@link #members}). */
  public static final String METADATA = "metadata";

  static final byte OBJECT = 1;
  static final byte ARRAY = 2;
  static final byte SCALAR = 3;
  static final byte STRING = 4;  // a string left undecoded (the data members)
  static final byte NULL = 5;

  private final byte[] bytes;
  private final int start;
  private final JsonLimits limits;
  private int end;
  private int count;
  private String[] names;
  private int[] keyStarts;
  private int[] valueStarts;
  private int[] valueEnds;
  private byte[] kinds;
  /** A scalar member's value; a member object's own index where it was made ({@link #members}). */
  private Object[] scalars;

  PayloadIndex(byte[] bytes, int start, JsonLimits limits) {
    this(bytes, start, limits, 6);
  }

  /** @param capacity the members it has room for before it grows */
  PayloadIndex(byte[] bytes, int start, JsonLimits limits, int capacity) {
    this.bytes = bytes;
    this.start = start;
    this.limits = limits;
    names = new String[capacity];
    keyStarts = new int[capacity];
    valueStarts = new int[capacity];
    valueEnds = new int[capacity];
    kinds = new byte[capacity];
    scalars = new Object[capacity];
  }

  private static final PayloadIndex EMPTY = new PayloadIndex(EMPTY_OBJECT, 0, JsonLimits.DEFAULTS);

  static {
    EMPTY.close(1);
  }

  /** @return the index of an empty payload, {@code {}} */
  public static PayloadIndex empty() {
    return EMPTY;
  }

  /**
   * Encodes a payload and indexes it in the same pass, as if it had been received: nothing is parsed.
   *
   * @param payload the members to write; later changes to it do not reach the index
   * @return the index of its encoding
   */
  public static PayloadIndex encode(JsonObject payload) {
    int n = payload.size();
    String[] names = new String[n];
    int[] keyStarts = new int[n];
    int[] valueStarts = new int[n];
    ByteBuf out = Unpooled.buffer(128);
    out.writeByte('{');
    int i = 0;
    for (Map.Entry<String, Object> e : payload.getMap().entrySet()) {
      if (i > 0) {
        out.writeByte(',');
      }
      names[i] = e.getKey();
      keyStarts[i] = out.writerIndex();
      JsonCodec.appendString(out, e.getKey());
      out.writeByte(':');
      valueStarts[i] = out.writerIndex();
      JsonCodec.appendValue(out, e.getValue());
      i++;
    }
    out.writeByte('}');
    // The buffer is on the heap; offsets are counted from its array's start.
    int base = out.arrayOffset();
    PayloadIndex index = new PayloadIndex(out.array(), base, JsonLimits.DEFAULTS);
    for (int m = 0; m < n; m++) {
      byte first = out.getByte(valueStarts[m]);
      byte kind = first == '{' ? OBJECT : first == '[' ? ARRAY : first == 'n' ? NULL
          : first == '"' && isData(names[m]) ? STRING : SCALAR;
      // As the reader would have it: the value of a number, boolean or short string
      Object value = kind == SCALAR ? payload.getValue(names[m]) : null;
      index.add(names[m], base + keyStarts[m], base + valueStarts[m], kind,
          value instanceof String || value instanceof Number || value instanceof Boolean ? value : null);
    }
    index.close(base + out.writerIndex() - 1);
    return index;
  }

  /** @return whether a string member is data left as bytes ({@code input}, {@code output}), not a header field */
  static boolean isData(String name) {
    return name.equals("input") || name.equals("output");
  }

  /**
   * @param scalar a scalar member's value, or the index of a member object ({@link #members}), or {@code null}
   */
  void add(String name, int keyStart, int valueStart, byte kind, Object scalar) {
    if (count == names.length) {
      int n = Math.max(4, count * 2);
      names = Arrays.copyOf(names, n);
      keyStarts = Arrays.copyOf(keyStarts, n);
      valueStarts = Arrays.copyOf(valueStarts, n);
      valueEnds = Arrays.copyOf(valueEnds, n);
      kinds = Arrays.copyOf(kinds, n);
      scalars = Arrays.copyOf(scalars, n);
    }
    names[count] = name;
    keyStarts[count] = keyStart;
    valueStarts[count] = valueStart;
    kinds[count] = kind;
    scalars[count] = scalar;
    count++;
  }

  /** The closing brace is at {@code closing}: work out where each value ends. */
  void close(int closing) {
    end = closing + 1;
    for (int i = 0; i < count; i++) {
      int next = i + 1 < count ? keyStarts[i + 1] : closing;
      valueEnds[i] = trimBack(next, i + 1 < count);
    }
  }

  /** Steps back from the next token over white space and, between members, the comma. */
  private int trimBack(int pos, boolean comma) {
    while (isSpace(bytes[pos - 1])) {
      pos--;
    }
    if (comma && bytes[pos - 1] == ',') {
      pos--;
      while (isSpace(bytes[pos - 1])) {
        pos--;
      }
    }
    return pos;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /** @return the index of the member (the last one when a name repeats, as a JSON object would keep), or -1 */
  int find(String name) {
    for (int i = count - 1; i >= 0; i--) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * @return the member's value when it is a number, boolean or a string other than {@code input} and
   *     {@code output}; otherwise {@code null}
   */
  public Object scalar(String name) {
    int i = find(name);
    return i < 0 || kinds[i] != SCALAR ? null : scalars[i];
  }

  /**
   * @return the index of the member's object, when it is an object the reader indexed as well (a
   *     payload's {@link #METADATA}); otherwise {@code null}
   */
  public PayloadIndex members(String name) {
    int i = find(name);
    return i >= 0 && scalars[i] instanceof PayloadIndex members ? members : null;
  }

  /**
   * The object with one member set to a string, every other member copied as its bytes, in the order they
   * had (a new member goes last); indexed as it is written.
   *
   * @return the new object's index; this one is unchanged
   */
  public PayloadIndex withString(String name, String value) {
    ByteBuf out = Unpooled.buffer(length() + name.length() + value.length() + 8);
    int n = count + 1;
    String[] newNames = new String[n];
    int[] newKeys = new int[n];
    int[] newValues = new int[n];
    byte[] newKinds = new byte[n];
    Object[] newScalars = new Object[n];
    int m = 0;
    boolean done = false;
    out.writeByte('{');
    for (int i = 0; i <= count; i++) {
      boolean last = i == count;
      if (last ? done : find(names[i]) != i) {
        continue; // set in place already; or a name that repeats, whose last value counts as in a decoded object
      }
      boolean set = last || names[i].equals(name);
      done |= set;
      if (m > 0) {
        out.writeByte(',');
      }
      newKeys[m] = out.writerIndex();
      if (set) {
        JsonCodec.appendString(out, name);
        out.writeByte(':');
        newNames[m] = name;
        newValues[m] = out.writerIndex();
        JsonCodec.appendString(out, value);
        newKinds[m] = SCALAR;
        newScalars[m] = value;
      } else {
        out.writeBytes(bytes, keyStarts[i], valueEnds[i] - keyStarts[i]);
        newNames[m] = names[i];
        newValues[m] = newKeys[m] + valueStarts[i] - keyStarts[i];
        newKinds[m] = kinds[i];
        newScalars[m] = kinds[i] == SCALAR ? scalars[i] : null;
      }
      m++;
    }
    out.writeByte('}');
    // The buffer is on the heap; offsets are counted from its array's start.
    int base = out.arrayOffset();
    PayloadIndex index = new PayloadIndex(out.array(), base, limits, m);
    for (int i = 0; i < m; i++) {
      index.add(newNames[i], base + newKeys[i], base + newValues[i], newKinds[i], newScalars[i]);
    }
    index.close(base + out.writerIndex() - 1);
    return index;
  }

  /** Appends the object's text, byte for byte. */
  public void appendTo(ByteBuf out) {
    out.writeBytes(bytes, start, end - start);
  }

  /** @return whether the member is missing, {@code null}, or an object */
  public boolean objectOrAbsent(String name) {
    int i = find(name);
    return i < 0 || kinds[i] == OBJECT || kinds[i] == NULL;
  }

  /** @return the member's value as its bytes (not copied), or {@code null} when the payload lacks it */
  public RawJson raw(String name) {
    int i = find(name);
    if (i < 0) {
      return null;
    }
    return RawJson.of(BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, valueStarts[i], valueEnds[i] - valueStarts[i])),
        limits);
  }

  /** @return the payload's text (not copied) */
  public RawJson raw() {
    return RawJson.of(BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, start, end - start)), limits);
  }

  /**
   * @return the whole payload decoded, a new object on each call
   * @throws dev.callmesh.protocol.ProtocolException when a value in it breaks a read limit
   */
  public JsonObject decode() {
    return (JsonObject) JsonCodec.decodeValue(bytes, start, end - start, limits);
  }

  /**
   * Appends {@code "name":value} for each member not named in {@code skip}, comma separated.
   *
   * @param first whether nothing was written into the object yet (no comma before the first member)
   * @return whether the object still has no member written
   */
  boolean appendMembers(ByteBuf out, String[] skip, boolean first) {
    for (int i = 0; i < count; i++) {
      if (skipped(names[i], skip) || find(names[i]) != i) {
        continue;
      }
      if (!first) {
        out.writeByte(',');
      }
      first = false;
      out.writeBytes(bytes, keyStarts[i], valueEnds[i] - keyStarts[i]);
    }
    return first;
  }

  private static boolean skipped(String name, String[] skip) {
    for (String s : skip) {
      if (s.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** @return the size of the payload's text in bytes */
  int length() {
    return end - start;
  }
}
