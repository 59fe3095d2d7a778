package dev.callmesh.protocol;

/**
 * The bounds on JSON read from one peer: nesting depth, number length and string length (what Jackson's
 * {@code StreamReadConstraints} enforce). Each transport reads with its own limits, so two hubs in one
 * JVM may differ; nothing here is JVM-wide.
 * <p>
 * A frame whose envelope breaks a limit is a protocol violation: the connection is answered with
 * {@code bye PROTOCOL} and closed, and nothing else is affected. A payload member that breaks one only
 * when it is decoded (a string longer than {@link #maxStringLength}: the envelope pass skips strings it
 * need not read) fails its own call with {@code INVALID_INPUT}.
 *
 * @param maxDepth how deep objects and arrays may nest, counted from the envelope; at least 16
 * @param maxNumberLength how many characters one number may have; at least 20
 * @param maxStringLength how many characters one string may have; at least 1024. A string is never
 *     longer than the frame that carries it, so the frame limit is the natural bound.
 */
public record JsonLimits(int maxDepth, int maxNumberLength, int maxStringLength) {

  /** How deep objects and arrays may nest: 256. */
  public static final int DEFAULT_MAX_DEPTH = 256;
  /** How many characters one number may have: 100. */
  public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;
  /** How many characters one string may have: 64 Mi, the largest frame limit, so only the frame bounds it. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 64 * 1024 * 1024;
  /** The defaults: depth 256, numbers of 100 characters, strings bounded by the frame only. */
  public static final JsonLimits DEFAULTS =
      new JsonLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_NUMBER_LENGTH, DEFAULT_MAX_STRING_LENGTH);

  /**
   * @throws IllegalArgumentException when a limit is below its minimum (depth 16, numbers 20, strings 1024)
   */
  public JsonLimits {
    if (maxDepth < 16 || maxNumberLength < 20 || maxStringLength < 1024) {
      throw new IllegalArgumentException("JSON limits too small: depth >= 16, numbers >= 20, strings >= 1024 (got "
          + maxDepth + ", " + maxNumberLength + ", " + maxStringLength + ")");
    }
  }

  /**
   * @param maxDepth how deep objects and arrays may nest, at least 16
   * @return limits like these with another depth
   */
  public JsonLimits withMaxDepth(int maxDepth) {
    return new JsonLimits(maxDepth, maxNumberLength, maxStringLength);
  }

  /**
   * @param maxStringLength characters in one string, at least 1024
   * @return limits like these with another string length
   */
  public JsonLimits withMaxStringLength(int maxStringLength) {
    return new JsonLimits(maxDepth, maxNumberLength, maxStringLength);
  }
}
