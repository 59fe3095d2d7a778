package dev.callmesh.hub.impl.mcp;

/**
 * How operation paths and MCP tool names map onto each other: a tool's name is the path without its leading
 * {@code /}, each {@code /} replaced by {@code .} ({@code /dev1/fs/readFile} is {@code dev1.fs.readFile}). The
 * way back is exact for paths whose segments hold no {@code .}; for the others, the endpoint finds the path of
 * a name in the session's last {@code tools/list} first.
 */
final class ToolNames {

  private ToolNames() {
  }

  /**
   * @param path an operation path, e.g. {@code /dev1/fs/readFile}
   * @return its tool name, e.g. {@code dev1.fs.readFile}
   */
  static String toolName(String path) {
    return path.substring(1).replace('/', '.');
  }

  /**
   * @param toolName a tool name, e.g. {@code dev1.fs.readFile}
   * @return the operation path it stands for, e.g. {@code /dev1/fs/readFile}; {@code null} when the name cannot
   *     be one (empty, over 1023 characters, an empty segment, or a character that no path has)
   */
  static String path(String toolName) {
    int n = toolName == null ? 0 : toolName.length();
    if (n == 0 || n > 1023) {
      return null;
    }
    StringBuilder path = new StringBuilder(n + 1).append('/');
    char previous = '.';
    for (int i = 0; i < n; i++) {
      char c = toolName.charAt(i);
      if (c == '.') {
        if (previous == '.') {
          return null; // an empty segment: a leading dot or two in a row
        }
        path.append('/');
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '~') {
        path.append(c);
      } else {
        return null;
      }
      previous = c;
    }
    return previous == '.' ? null : path.toString();
  }
}
