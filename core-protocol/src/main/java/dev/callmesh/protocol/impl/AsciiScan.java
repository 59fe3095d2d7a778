package dev.callmesh.protocol.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans of JSON text eight bytes at a time (one {@code long}, bit tricks), for {@link JsonWriter} and
 * {@link JsonReader}'s long strings.
 */
final class AsciiScan {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private AsciiScan() {
  }

  /**
   * @return the index of the first byte in {@code [from, to)} that a JSON string cannot hold as it is (a
   *     quote, a backslash or a control character) or that is not ASCII; {@code to} when there is none
   */
  static int firstSpecial(byte[] bytes, int from, int to) {
    int i = from;
    for (int n = to - 7; i < n; i += 8) {
      long x = (long) LONGS.get(bytes, i);
      long q = x ^ ONES * '"';
      long b = x ^ ONES * '\\';
      // Each term flags its first match exactly (a borrow only runs upwards from a match), and bytes at or above
      // 0x80 are flagged by x itself: the lowest flag is the first special byte.
      long found = ((x - ONES * 0x20) & ~x | (q - ONES) & ~q | (b - ONES) & ~b | x) & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      byte c = bytes[i];
      if (c < 0x20 || c == '"' || c == '\\') { // a byte at or above 0x80 is negative
        return i;
      }
    }
    return to;
  }

  /**
   * @param ascii bytes below 0x80
   * @return whether one of them is {@code c} (also below 0x80)
   */
  static boolean has(byte[] ascii, char c) {
    long pattern = ONES * c;
    int i = 0;
    for (int n = ascii.length - 7; i < n; i += 8) {
      if ((((long) LONGS.get(ascii, i) ^ pattern) - ONES & HIGHS) != 0) {
        return true;
      }
    }
    for (; i < ascii.length; i++) {
      if (ascii[i] == c) {
        return true;
      }
    }
    return false;
  }
}
