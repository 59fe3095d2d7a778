package dev.callmesh.spoke.search;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

/**
 * Selects files by a glob, with java.nio's {@code glob:} syntax ({@code *} within a name, {@code **} across
 * directories, {@code ?}, {@code [..]}, {@code {a,b}}).
 * <ul>
 *   <li>A glob without {@code /} matches the file's name, at any depth: {@code *.java}.</li>
 *   <li>A glob with {@code /} matches the path relative to the search path: {@code src/**}{@code /*.java}.
 *       A leading {@code **}{@code /} also matches zero directories, so {@code **}{@code /*.md} matches a
 *       top-level {@code README.md} too (as in git and most tools).</li>
 * </ul>
 */
final class GlobFilter {

  private final PathMatcher matcher;
  private final PathMatcher withoutLeadingStars;
  private final boolean nameOnly;

  private GlobFilter(PathMatcher matcher, PathMatcher withoutLeadingStars, boolean nameOnly) {
    this.matcher = matcher;
    this.withoutLeadingStars = withoutLeadingStars;
    this.nameOnly = nameOnly;
  }

  /**
   * @param glob the glob as given by the caller
   * @return its filter
   * @throws CallException INVALID_INPUT when the glob is malformed
   */
  static GlobFilter compile(String glob) {
    try {
      PathMatcher main = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      PathMatcher rest = glob.startsWith("**/") && glob.length() > 3
          ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3))
          : null;
      return new GlobFilter(main, rest, glob.indexOf('/') < 0);
    } catch (PatternSyntaxException e) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "the glob '" + glob + "' is not valid: " + e.getMessage());
    }
  }

  /**
   * @param relative the file's path relative to the search path
   * @return whether the file is selected
   */
  boolean matches(Path relative) {
    if (nameOnly) {
      Path name = relative.getFileName();
      return name != null && matcher.matches(name);
    }
    return matcher.matches(relative) || (withoutLeadingStars != null && withoutLeadingStars.matches(relative));
  }
}
