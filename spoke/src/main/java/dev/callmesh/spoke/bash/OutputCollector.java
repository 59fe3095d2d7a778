package dev.callmesh.spoke.bash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * Collects one pipe of a process into a string, keeping at most a cap of bytes: beyond it the pipe is
 * still read to its end (so the process never blocks on it) but the bytes are dropped. Runs on a stream
 * thread until the pipe ends.
 */
final class OutputCollector implements Callable<OutputCollector.Collected> {

  /** The default cap per stream: 1 MiB. */
  static final int DEFAULT_CAP = 1 << 20;

  /**
   * What was collected.
   *
   * @param text the kept bytes decoded as UTF-8 (a character cut by the cap is left out whole)
   * @param truncated whether bytes were dropped
   */
  record Collected(String text, boolean truncated) {
  }

  private final InputStream in;
  private final int cap;

  /**
   * @param in the pipe
   * @param cap how many bytes to keep at most
   */
  OutputCollector(InputStream in, int cap) {
    this.in = in;
    this.cap = cap;
  }

  /** @return what was collected, once the pipe has ended (a read failure counts as its end) */
  @Override
  public Collected call() {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean truncated = false;
    byte[] buffer = new byte[StreamPump.READ_BYTES];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        int room = cap - kept.size();
        if (n > room) {
          truncated = true;
        }
        if (room > 0) {
          kept.write(buffer, 0, Math.min(n, room));
        }
      }
    } catch (IOException e) {
      // the pipe was closed under us (the process was killed): its end
    }
    byte[] bytes = kept.toByteArray();
    int length = truncated ? completeLength(bytes) : bytes.length;
    return new Collected(new String(bytes, 0, length, StandardCharsets.UTF_8), truncated);
  }

  /** @return the length of {@code bytes} without a UTF-8 sequence cut off at its end */
  static int completeLength(byte[] bytes) {
    int end = bytes.length;
    // walk back over at most 3 continuation bytes to the lead byte of the last sequence
    int i = end - 1;
    while (i >= 0 && end - i <= 3 && (bytes[i] & 0xC0) == 0x80) {
      i--;
    }
    if (i < 0) {
      return end;
    }
    int lead = bytes[i] & 0xFF;
    int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return end - i < need ? i : end;
  }
}
