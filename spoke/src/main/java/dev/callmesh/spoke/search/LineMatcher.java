package dev.callmesh.spoke.search;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the first match of the caller's pattern in a line: a {@link java.util.regex} expression, or a
 * literal string (quoted with {@link Pattern#quote}); case-insensitive matching is Unicode-aware. One
 * instance serves one thread.
 */
final class LineMatcher {

  private final Matcher matcher;

  private LineMatcher(Pattern pattern) {
    this.matcher = pattern.matcher("");
  }

  /**
   * @param pattern the pattern as given
   * @param regex whether it is a regular expression (else a literal string)
   * @param caseSensitive whether case must match exactly
   * @return a matcher for it
   * @throws CallException INVALID_INPUT with the regex engine's explanation when the expression is malformed
   */
  static LineMatcher compile(String pattern, boolean regex, boolean caseSensitive) {
    int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    try {
      return new LineMatcher(Pattern.compile(regex ? pattern : Pattern.quote(pattern), flags));
    } catch (PatternSyntaxException e) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "the pattern is not a valid regular expression "
          + "(pass regex:false to search for it literally): " + e.getMessage());
    }
  }

  /**
   * @param line one line, without its line terminator
   * @return the index (from 0, in UTF-16 chars) where the first match starts, or -1 when there is none
   */
  int find(CharSequence line) {
    matcher.reset(line);
    return matcher.find() ? matcher.start() : -1;
  }
}
