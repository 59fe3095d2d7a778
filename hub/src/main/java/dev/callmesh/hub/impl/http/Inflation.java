package dev.callmesh.hub.impl.http;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decompresses a request body of {@code Content-Encoding: gzip} or {@code deflate}, never holding more than the
 * limit of decompressed bytes: a small body that would expand past it (a "gzip bomb") is refused once the
 * limit is passed, not expanded into memory.
 */
public final class Inflation {

  /** The body is larger than the limit once decompressed. */
  public static final class TooLargeException extends IllegalArgumentException {
    TooLargeException(String message) {
      super(message);
    }
  }

  private static final int CHUNK = 64 * 1024;

  private Inflation() {
  }

  /**
   * @param coding a {@code Content-Encoding} header, or {@code null}
   * @return whether {@link #inflate} reads it: none, {@code identity}, {@code gzip}, {@code x-gzip}, {@code deflate}
   */
  public static boolean supports(String coding) {
    return coding == null || isIdentity(coding) || isGzip(coding) || isDeflate(coding);
  }

  /** @return whether the coding leaves the body as it is (none or {@code identity}) */
  public static boolean isIdentity(String coding) {
    return coding == null || coding.isBlank() || coding.trim().equalsIgnoreCase("identity");
  }

  /**
   * @param body the body as received
   * @param coding its {@code Content-Encoding}, one that {@link #supports} says is read
   * @param max the most decompressed bytes allowed
   * @return the decompressed body
   * @throws TooLargeException as soon as more than max bytes come out
   * @throws IllegalArgumentException when the body is not valid in its coding
   */
  public static Buffer inflate(Buffer body, String coding, int max) {
    if (isIdentity(coding)) {
      return body;
    }
    byte[] bytes = body.getBytes();
    try {
      if (isGzip(coding)) {
        return drain(new GZIPInputStream(new ByteArrayInputStream(bytes), CHUNK), max, coding);
      }
      try {
        return drain(new InflaterInputStream(new ByteArrayInputStream(bytes), new Inflater(), CHUNK), max, coding);
      } catch (IllegalArgumentException e) {
        if (e instanceof TooLargeException) {
          throw e;
        }
        // "deflate" means zlib-wrapped (RFC 9110), but some clients send the raw stream
        return drain(new InflaterInputStream(new ByteArrayInputStream(bytes), new Inflater(true), CHUNK), max, coding);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid " + coding + ": " + e.getMessage(), e);
    }
  }

  private static Buffer drain(InputStream in, int max, String coding) {
    Buffer out = Buffer.buffer(Math.min(max, CHUNK));
    byte[] chunk = new byte[CHUNK];
    try (in) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.length() + (long) n > max) {
          throw new TooLargeException("the request body is larger than " + max + " bytes once decompressed");
        }
        out.appendBytes(chunk, 0, n);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid " + coding + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean isGzip(String coding) {
    String c = coding.trim().toLowerCase(Locale.ROOT);
    return c.equals("gzip") || c.equals("x-gzip");
  }

  private static boolean isDeflate(String coding) {
    return coding.trim().equalsIgnoreCase("deflate");
  }
}
