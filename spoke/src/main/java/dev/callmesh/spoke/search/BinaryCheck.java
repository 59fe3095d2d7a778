package dev.callmesh.spoke.search;

/** Tells binary files from text the way grep does: a NUL byte near the start means binary. */
final class BinaryCheck {

  /** How many leading bytes are looked at. */
  static final int HEAD_BYTES = 8192;

  private BinaryCheck() {
  }

  /**
   * @param head the first bytes of a file
   * @param length how many of them were read
   * @return whether a NUL byte is among them
   */
  static boolean isBinary(byte[] head, int length) {
    for (int i = 0; i < length; i++) {
      if (head[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
