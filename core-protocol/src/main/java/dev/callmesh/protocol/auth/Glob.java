package dev.callmesh.protocol.auth;

/**
 * The globs of {@code spoke=} and {@code allow=} in authorized_keys (README.md, "Running a hub and
 * spokes with your own keys"): {@code *} matches any run of characters, {@code /} included; every other
 * character, {@code ?} too, matches only itself.
 */
public final class Glob {

  private Glob() {
  }

  /**
   * @param pattern a glob such as {@code /dev1/*} or {@code /*}{@code /fs/read*}
   * @param text the name or path to test, matched as a whole
   * @return whether the text matches; false when either is null. Time is at most proportional to
   *     pattern length × text length (no exponential backtracking)
   */
  public static boolean matches(String pattern, String text) {
    if (pattern == null || text == null) {
      return false;
    }
    return Wildcard.matches(pattern, text, false);
  }
}
