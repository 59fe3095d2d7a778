package dev.callmesh.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The bounds on JSON this process reads from peers: nesting depth, number length and string length
 * (Jackson's {@link StreamReadConstraints}). Input past them is a protocol violation: the connection is
 * answered with {@code bye PROTOCOL} and closed, and nothing else is affected.
 */
public final class JsonLimits {

  /** How deep objects and arrays may nest: 256. */
  public static final int DEFAULT_MAX_DEPTH = 256;
  /** How many characters one number may have: 100. */
  public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;

  private JsonLimits() {
  }

  /**
   * Sets the limits for every JSON parser made from now on. Call it first thing in {@code main}, before
   * Vert.x creates its parsers.
   *
   * @param maxDepth nesting depth, at least 16
   * @param maxNumberLength characters in one number, at least 20
   * @param maxStringLength characters in one string (the frame size is a natural bound), at least 1024
   */
  public static void apply(int maxDepth, int maxNumberLength, int maxStringLength) {
    if (maxDepth < 16 || maxNumberLength < 20 || maxStringLength < 1024) {
      throw new IllegalArgumentException("JSON limits too small: depth >= 16, numbers >= 20, strings >= 1024");
    }
    StreamReadConstraints.overrideDefaultStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(maxDepth)
        .maxNumberLength(maxNumberLength)
        .maxStringLength(maxStringLength)
        .build());
  }

  /** @return the nesting depth in force */
  public static int maxDepth() {
    return StreamReadConstraints.defaults().getMaxNestingDepth();
  }
}
