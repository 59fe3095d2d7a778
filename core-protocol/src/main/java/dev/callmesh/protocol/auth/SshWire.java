package dev.callmesh.protocol.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The SSH wire encoding (RFC 4251 §5) of the few types callmesh needs: {@code uint32} and {@code string}.
 * Reading never throws anything but {@link IllegalArgumentException}, whatever the input.
 */
final class SshWire {

  private SshWire() {
  }

  /** Reads values from a byte array; every read checks bounds and fails with IllegalArgumentException. */
  static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    Reader(byte[] data, int offset) {
      this.data = data;
      this.pos = offset;
    }

    /** @return the next unsigned 32-bit big-endian integer, as a long */
    long readUint32() {
      if (data.length - pos < 4) {
        throw new IllegalArgumentException("truncated: expected a 4-byte integer");
      }
      long v = ((data[pos] & 0xFFL) << 24) | ((data[pos + 1] & 0xFFL) << 16)
          | ((data[pos + 2] & 0xFFL) << 8) | (data[pos + 3] & 0xFFL);
      pos += 4;
      return v;
    }

    /** @return the bytes of the next length-prefixed string */
    byte[] readString() {
      long len = readUint32();
      if (len > data.length - pos) {
        throw new IllegalArgumentException("truncated: string of " + len + " bytes does not fit");
      }
      byte[] out = Arrays.copyOfRange(data, pos, pos + (int) len);
      pos += (int) len;
      return out;
    }

    /** @return the next string decoded as UTF-8 */
    String readUtf8() {
      return new String(readString(), StandardCharsets.UTF_8);
    }

    /** @return the next {@code n} raw bytes */
    byte[] readRaw(int n) {
      if (n < 0 || data.length - pos < n) {
        throw new IllegalArgumentException("truncated: expected " + n + " more bytes");
      }
      byte[] out = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return out;
    }

    /** @return how many bytes are left unread */
    int remaining() {
      return data.length - pos;
    }

    /** Fails unless every byte has been read. */
    void requireEnd() {
      if (remaining() != 0) {
        throw new IllegalArgumentException(remaining() + " unexpected trailing bytes");
      }
    }
  }

  /** Builds a byte array from SSH wire values. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer uint32(long v) {
      out.write((int) (v >>> 24));
      out.write((int) (v >>> 16));
      out.write((int) (v >>> 8));
      out.write((int) v);
      return this;
    }

    Writer string(byte[] b) {
      uint32(b.length);
      out.writeBytes(b);
      return this;
    }

    Writer string(String utf8) {
      return string(utf8.getBytes(StandardCharsets.UTF_8));
    }

    Writer raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer raw(int oneByte) {
      out.write(oneByte);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
