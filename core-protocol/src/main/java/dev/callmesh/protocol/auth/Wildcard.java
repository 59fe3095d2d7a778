package dev.callmesh.protocol.auth;

/**
 * Wildcard matching without exponential backtracking: {@code *} matches any run of characters (including
 * none and including {@code /}), {@code ?} (when enabled) exactly one character, everything else itself.
 * Runs in O(pattern × text) time at worst, with O(1) extra memory.
 */
final class Wildcard {

  private Wildcard() {
  }

  /**
   * @param pattern the pattern
   * @param text the text, matched as a whole
   * @param questionMark whether {@code ?} is a wildcard (OpenSSH patterns) or a literal (callmesh globs)
   * @return whether the whole text matches the whole pattern
   */
  static boolean matches(String pattern, String text, boolean questionMark) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        // Remember the star; first try letting it match nothing.
        star = p++;
        resume = t;
      } else if (p < pattern.length()
          && (pattern.charAt(p) == text.charAt(t) || (questionMark && pattern.charAt(p) == '?'))) {
        p++;
        t++;
      } else if (star >= 0) {
        // Only the last star ever needs to grow: earlier ones can keep what they matched.
        p = star + 1;
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
}
