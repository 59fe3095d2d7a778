package dev.callmesh.protocol.impl;

import dev.callmesh.protocol.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * Where each member of a received payload sits in the frame's bytes, and the value of each small
 * scalar member (an operation id, a timeout, a credit), read in the same pass that checked the frame.
 * The rest ({@code input}, {@code output}, nested objects) stays bytes until asked for: a relay copies
 * them on untouched, everyone else decodes them once. Confined to one connection's context.
 */
public final class PayloadIndex {

  static final byte OBJECT = 1;
  static final byte ARRAY = 2;
  static final byte SCALAR = 3;
  static final byte STRING = 4;  // a string left undecoded (the data members)
  static final byte NULL = 5;

  private final byte[] bytes;
  private final int start;
  private int end;
  private int count;
  private String[] names = new String[6];
  private int[] keyStarts = new int[6];
  private int[] valueStarts = new int[6];
  private int[] valueEnds = new int[6];
  private byte[] kinds = new byte[6];
  private Object[] scalars = new Object[6];

  PayloadIndex(byte[] bytes, int start) {
    this.bytes = bytes;
    this.start = start;
  }

  void add(String name, int keyStart, int valueStart, byte kind, Object scalar) {
    if (count == names.length) {
      int n = count * 2;
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
    return i < 0 ? null : scalars[i];
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
    return RawJson.of(BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, valueStarts[i], valueEnds[i] - valueStarts[i])));
  }

  /** @return the whole payload decoded */
  public JsonObject decode() {
    return (JsonObject) JsonCodec.decodeValue(bytes, start, end - start);
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
