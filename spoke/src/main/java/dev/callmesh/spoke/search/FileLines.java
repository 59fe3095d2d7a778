package dev.callmesh.spoke.search;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads a text file line by line for searching. Lines end at {@code \n} (as for grep); a {@code \r}
 * before it is dropped; a last line without a terminator still counts. Bytes are decoded as UTF-8, a
 * malformed sequence becoming U+FFFD. Binary files ({@link BinaryCheck}) are not read at all. The file is
 * opened without following a symlink.
 */
final class FileLines {

  /** Files larger than this are not searched. */
  static final long MAX_FILE_BYTES = 50L * 1024 * 1024;

  /** Receives the lines of a file. */
  @FunctionalInterface
  interface LineVisitor {
    /**
     * @param number the line number, from 1
     * @param line the line without its terminator
     * @return whether to go on reading
     */
    boolean line(int number, CharSequence line);
  }

  private FileLines() {
  }

  /**
   * @param file the file to read
   * @param visitor called with each line in order
   * @return false when the visitor asked to stop, true otherwise (the whole file read, or skipped as binary)
   * @throws IOException when the file cannot be read
   */
  static boolean read(Path file, LineVisitor visitor) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] head = in.readNBytes(BinaryCheck.HEAD_BYTES);
      if (BinaryCheck.isBinary(head, head.length)) {
        return true;
      }
      Reader reader = new InputStreamReader(
          new SequenceInputStream(new ByteArrayInputStream(head), in), StandardCharsets.UTF_8);
      return split(reader, visitor);
    }
  }

  private static boolean split(Reader reader, LineVisitor visitor) throws IOException {
    char[] buffer = new char[8192];
    StringBuilder line = new StringBuilder(256);
    int number = 0;
    int n;
    while ((n = reader.read(buffer)) > 0) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          line.append(buffer, from, i - from);
          from = i + 1;
          if (!visitor.line(++number, stripCr(line))) {
            return false;
          }
          line.setLength(0);
        }
      }
      line.append(buffer, from, n - from);
    }
    return line.length() == 0 || visitor.line(++number, stripCr(line));
  }

  private static StringBuilder stripCr(StringBuilder line) {
    int last = line.length() - 1;
    if (last >= 0 && line.charAt(last) == '\r') {
      line.setLength(last);
    }
    return line;
  }
}
