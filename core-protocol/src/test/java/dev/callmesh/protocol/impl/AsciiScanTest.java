package dev.callmesh.protocol.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The eight-byte scans find what a byte-by-byte loop finds, for every byte value at every place of a word. */
class AsciiScanTest {

  private static byte[] word(int at, int c) {
    byte[] b = "y".repeat(40).getBytes(StandardCharsets.US_ASCII);
    b[at] = (byte) c;
    return b;
  }

  @Test
  void theFirstSpecialByteIsFound() {
    for (int at = 0; at < 40; at++) {
      for (int c = 0; c < 0x100; c++) {
        byte[] b = word(at, c);
        boolean special = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
        assertEquals(special ? at : 40, AsciiScan.firstSpecial(b, 0, 40), "byte " + c + " at " + at);
        assertEquals(at >= 3 && at < 37 && special ? at : 37, AsciiScan.firstSpecial(b, 3, 37), "byte " + c + " at " + at);
      }
    }
    assertEquals(0, AsciiScan.firstSpecial(new byte[0], 0, 0));
    assertEquals(8, AsciiScan.firstSpecial("abcdefgh\"".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  @Test
  void aByteIsFound() {
    for (int at = 0; at < 40; at++) {
      for (int c = 0; c < 0x80; c++) {
        byte[] b = word(at, c);
        assertEquals(c == '?', AsciiScan.has(b, '?'), "byte " + c + " at " + at);
        assertTrue(AsciiScan.has(b, (char) c), "byte " + c + " at " + at);
      }
    }
    assertFalse(AsciiScan.has(new byte[0], '?'));
  }
}
