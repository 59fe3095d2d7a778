package dev.callmesh.protocol.labels;

import java.util.regex.Pattern;

/** Spoke and pool names, one namespace: 1 to 63 of {@code a-z}, {@code 0-9} and {@code -}, starting and ending with a letter or digit. */
public final class SpokeNames {

  /** What a spoke or pool name may be. */
  public static final Pattern NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

  private SpokeNames() {
  }

  /**
   * @param value a name
   * @param what what it names, for the message ("spoke name", "pool name")
   * @return the name
   * @throws IllegalArgumentException when it is not a valid name
   */
  public static String check(String value, String what) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " must be 1-63 of a-z, 0-9 and '-', starting and ending with a letter"
          + " or digit, not '" + value + "'");
    }
    return value;
  }
}
