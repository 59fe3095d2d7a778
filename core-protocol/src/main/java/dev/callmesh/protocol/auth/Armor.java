package dev.callmesh.protocol.auth;

import java.util.Base64;

/**
 * The PEM-like armor OpenSSH puts around binary blobs: a BEGIN line, base64 in lines of 70 characters,
 * an END line, each ending in a newline (as {@code ssh-keygen} writes private keys and signatures).
 */
final class Armor {

  /** OpenSSH's line length for armored base64. */
  static final int LINE_LENGTH = 70;

  private Armor() {
  }

  /** @return {@code -----BEGIN label-----\n}, the wrapped base64 of data, {@code \n-----END label-----\n} */
  static String wrap(String label, byte[] data) {
    String b64 = Base64.getEncoder().encodeToString(data);
    StringBuilder out = new StringBuilder(b64.length() + b64.length() / LINE_LENGTH + 80);
    out.append("-----BEGIN ").append(label).append("-----\n");
    for (int i = 0; i < b64.length(); i += LINE_LENGTH) {
      out.append(b64, i, Math.min(b64.length(), i + LINE_LENGTH)).append('\n');
    }
    return out.append("-----END ").append(label).append("-----\n").toString();
  }

  /**
   * @param text armored text with the given label, or (when {@code allowBare}) just base64; whitespace
   *     anywhere in the base64 is ignored
   * @return the decoded bytes
   * @throws IllegalArgumentException when the armor lines are missing or wrong, or the base64 is invalid
   */
  static byte[] unwrap(String label, String text, boolean allowBare) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    String body = text.strip();
    if (body.startsWith(begin)) {
      int stop = body.indexOf(end);
      if (stop < 0) {
        throw new IllegalArgumentException("missing " + end);
      }
      if (!body.substring(stop + end.length()).isBlank()) {
        throw new IllegalArgumentException("unexpected text after " + end);
      }
      body = body.substring(begin.length(), stop);
    } else if (!allowBare) {
      throw new IllegalArgumentException("expected " + begin);
    }
    StringBuilder b64 = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (!Character.isWhitespace(c)) {
        b64.append(c);
      }
    }
    if (b64.length() == 0) {
      throw new IllegalArgumentException("no data");
    }
    return Base64.getDecoder().decode(b64.toString());
  }
}
