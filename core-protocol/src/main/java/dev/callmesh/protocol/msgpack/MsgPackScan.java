package dev.callmesh.protocol.msgpack;

import dev.callmesh.protocol.ProtocolException;

/**
 * A check of MessagePack's structure before it is parsed: the bytes hold exactly one value, and no length
 * in them (of a str, bin, ext, array or map) claims more than the bytes left. A parser that trusts a
 * length allocates it up front; after this check no allocation is larger than the message. Runs in one
 * pass without recursion or allocation.
 */
final class MsgPackScan {

  private MsgPackScan() {
  }

  /**
   * @param b the message's bytes
   * @param off where the message starts
   * @param len its length
   * @throws ProtocolException when it is not exactly one value whose lengths fit in the message
   */
  static void check(byte[] b, int off, int len) {
    int end = off + len;
    int pos = off;
    long pending = 1; // values still to read
    while (pending > 0) {
      if (pos >= end) {
        throw new ProtocolException("not valid MessagePack: the value ends too early");
      }
      int t = b[pos++] & 0xff;
      pending--;
      long skip;
      long items = 0;
      if (t <= 0x7f || t >= 0xe0 || (t >= 0xc0 && t <= 0xc3 && t != 0xc1)) {
        skip = 0; // fixint, nil, false, true
      } else if (t >= 0x80 && t <= 0x8f) {
        items = 2L * (t & 0x0f);
        skip = 0;
      } else if (t >= 0x90 && t <= 0x9f) {
        items = t & 0x0f;
        skip = 0;
      } else if (t >= 0xa0 && t <= 0xbf) {
        skip = t & 0x1f;
      } else {
        switch (t) {
          case 0xc4, 0xd9 -> skip = length(b, pos, end, 1); // bin8, str8
          case 0xc5, 0xda -> skip = length(b, pos, end, 2); // bin16, str16
          case 0xc6, 0xdb -> skip = length(b, pos, end, 4); // bin32, str32
          case 0xc7 -> skip = length(b, pos, end, 1) + 1; // ext8: the type byte
          case 0xc8 -> skip = length(b, pos, end, 2) + 1;
          case 0xc9 -> skip = length(b, pos, end, 4) + 1;
          case 0xca -> skip = 4; // float32
          case 0xcb -> skip = 8; // float64
          case 0xcc, 0xd0 -> skip = 1;
          case 0xcd, 0xd1 -> skip = 2;
          case 0xce, 0xd2 -> skip = 4;
          case 0xcf, 0xd3 -> skip = 8;
          case 0xd4 -> skip = 2; // fixext 1..16: type byte and data
          case 0xd5 -> skip = 3;
          case 0xd6 -> skip = 5;
          case 0xd7 -> skip = 9;
          case 0xd8 -> skip = 17;
          case 0xdc -> { items = length(b, pos, end, 2); skip = 0; }
          case 0xdd -> { items = length(b, pos, end, 4); skip = 0; }
          case 0xde -> { items = 2 * length(b, pos, end, 2); skip = 0; }
          case 0xdf -> { items = 2 * length(b, pos, end, 4); skip = 0; }
          default -> throw new ProtocolException("not valid MessagePack: byte 0x" + Integer.toHexString(t)
              + " is never used");
        }
        pos += headerBytes(t);
      }
      if (skip > end - pos || items > end - pos) {
        throw new ProtocolException("not valid MessagePack: a length claims more bytes than the message has");
      }
      pos += (int) skip;
      pending += items;
    }
    if (pos != end) {
      throw new ProtocolException("a message must hold exactly one MessagePack value; more bytes follow it");
    }
  }

  /** @return the size of the length field that follows the type byte */
  private static int headerBytes(int t) {
    return switch (t) {
      case 0xc4, 0xd9, 0xc7 -> 1;
      case 0xc5, 0xda, 0xc8, 0xdc, 0xde -> 2;
      case 0xc6, 0xdb, 0xc9, 0xdd, 0xdf -> 4;
      default -> 0;
    };
  }

  /** @return the unsigned big-endian length of {@code n} bytes at {@code pos} */
  private static long length(byte[] b, int pos, int end, int n) {
    if (end - pos < n) {
      throw new ProtocolException("not valid MessagePack: the value ends too early");
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    return v;
  }
}
