package dev.callmesh.protocol.labels;

/**
 * A glob over spoke names, as a fan-out's target takes it ({@code "dev*"}, {@code "ci-?"}): {@code *}
 * matches any run of spoke-name characters (none included), {@code ?} exactly one, and every other
 * character, one of {@code a-z 0-9 -}, only itself. Nothing else may appear in it, so a glob never means
 * more than it says (no {@code /}, no upper case, no character classes).
 * <p>
 * Instances are immutable; matching takes time at most proportional to glob length × name length (no
 * exponential backtracking).
 */
public final class SpokeGlob {

  /** The longest glob accepted. */
  public static final int MAX_LENGTH = 128;

  /** The glob that matches every spoke. */
  public static final SpokeGlob ALL = new SpokeGlob("*");

  private final String pattern;

  private SpokeGlob(String pattern) {
    this.pattern = pattern;
  }

  /**
   * @param glob the glob text
   * @return the glob
   * @throws IllegalArgumentException naming the glob and the first character that may not appear in it,
   *     or saying it is empty or longer than {@value #MAX_LENGTH}
   */
  public static SpokeGlob parse(String glob) {
    check(glob);
    return new SpokeGlob(glob);
  }

  /**
   * @param glob the glob text
   * @throws IllegalArgumentException as {@link #parse} does
   */
  public static void check(String glob) {
    if (glob == null || glob.isEmpty()) {
      throw new IllegalArgumentException("the spoke glob is empty; leave it out to mean every spoke, or use *");
    }
    if (glob.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("the spoke glob is " + glob.length() + " characters long; at most "
          + MAX_LENGTH);
    }
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (!isNameChar(c) && c != '*' && c != '?') {
        throw new IllegalArgumentException("the spoke glob '" + printable(glob) + "' has '" + printable(String.valueOf(c))
            + "' at position " + (i + 1) + "; a spoke glob is a-z, 0-9, '-', '*' (any run) and '?' (one character)");
      }
    }
  }

  /** @return whether the character may appear in a spoke name */
  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }

  /**
   * @param name a spoke name
   * @return whether the whole name matches the whole glob; false for {@code null}
   */
  public boolean matches(String name) {
    if (name == null) {
      return false;
    }
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < name.length()) {
      char c = p < pattern.length() ? pattern.charAt(p) : 0;
      if (c == '*') {
        star = p++;
        resume = t; // first let the star match nothing
      } else if (c != 0 && (c == '?' || c == name.charAt(t))) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1; // only the last star needs to grow: earlier ones keep what they matched
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /** @return the glob as written */
  @Override
  public String toString() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpokeGlob g && g.pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  private static String printable(String s) {
    String cut = s.length() > 70 ? s.substring(0, 70) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
