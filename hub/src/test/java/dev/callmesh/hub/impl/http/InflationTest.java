package dev.callmesh.hub.impl.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Request bodies in gzip and deflate: read within the limit, refused past it without being expanded. */
class InflationTest {

  interface Writing {
    void write(OutputStream out) throws IOException;
  }

  static Buffer gzip(Writing w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      w.write(out);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  static Buffer deflate(boolean raw, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      out.write(data);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  @Test
  void gzipAndBothKindsOfDeflateAreRead() throws IOException {
    byte[] json = "{\"path\":\"a.txt\"}".getBytes();
    assertEquals(Buffer.buffer(json), Inflation.inflate(gzip(out -> out.write(json)), "gzip", 1024));
    assertEquals(Buffer.buffer(json), Inflation.inflate(gzip(out -> out.write(json)), " X-GZIP ", 1024));
    assertEquals(Buffer.buffer(json), Inflation.inflate(deflate(false, json), "deflate", 1024), "zlib, as RFC 9110 says");
    assertEquals(Buffer.buffer(json), Inflation.inflate(deflate(true, json), "deflate", 1024), "raw, as some clients send");
    assertEquals(Buffer.buffer(json), Inflation.inflate(Buffer.buffer(json), "identity", 1024));
    assertEquals(Buffer.buffer(json), Inflation.inflate(Buffer.buffer(json), null, 1024));
  }

  @Test
  void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsNot() throws IOException {
    byte[] data = new byte[100_000];
    assertEquals(100_000, Inflation.inflate(gzip(out -> out.write(data)), "gzip", 100_000).length());
    assertThrows(Inflation.TooLargeException.class, () -> Inflation.inflate(gzip(out -> out.write(data)), "gzip", 99_999));
  }

  @Test
  void aGzipBombIsRefusedOnceTheLimitIsPassedNotExpanded() throws IOException {
    // 512 MiB of zeros, about 500 KB compressed
    byte[] zeros = new byte[1 << 20];
    Buffer bomb = gzip(out -> {
      for (int i = 0; i < 512; i++) {
        out.write(zeros);
      }
    });
    assertTrue(bomb.length() < 1024 * 1024, "compressed: " + bomb.length());
    long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    Inflation.TooLargeException e = assertThrows(Inflation.TooLargeException.class,
        () -> Inflation.inflate(bomb, "gzip", 16 * 1024 * 1024));
    assertTrue(e.getMessage().contains("16777216"), e.getMessage());
    long grew = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory() - before;
    assertTrue(grew < 256L * 1024 * 1024, "memory grew by " + grew);
  }

  @Test
  void corruptBodiesAndUnknownCodingsAreTold() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Inflation.inflate(Buffer.buffer("not gzip at all"), "gzip", 1024));
    assertFalse(e instanceof Inflation.TooLargeException);
    assertThrows(IllegalArgumentException.class, () -> Inflation.inflate(Buffer.buffer(new byte[] {1, 2, 3}), "deflate", 1024));
    assertTrue(Inflation.supports("gzip") && Inflation.supports("deflate") && Inflation.supports(null));
    assertFalse(Inflation.supports("br"));
    assertFalse(Inflation.supports("gzip, gzip"));
    assertFalse(Inflation.supports("zstd"));
  }
}
