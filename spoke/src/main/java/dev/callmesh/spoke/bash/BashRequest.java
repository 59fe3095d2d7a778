package dev.callmesh.spoke.bash;

import dev.callmesh.spoke.fs.FsErrors;
import dev.callmesh.spoke.fs.RootedPaths;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One command to run, as read from a validated {@code /bash/exec} or {@code /bash/run} input.
 *
 * @param command the command line for {@code bash -c}
 * @param cwd the confined, existing working directory
 * @param env the complete environment of the process
 * @param stdin text for the process's stdin, or {@code null} for none (stdin is closed at once)
 * @param timeoutMs the deadline in milliseconds, or {@code 0} for none
 */
record BashRequest(String command, Path cwd, Map<String, String> env, String stdin, long timeoutMs) {

  /**
   * Reads the input and confines its {@code cwd}. Does blocking file system calls: call off the event loop.
   *
   * @param input the validated input
   * @param paths the spoke's root
   * @return the request
   * @throws dev.callmesh.protocol.CallException FORBIDDEN for a cwd outside the root, FILE_NOT_FOUND for a
   *     missing one, NOT_A_DIRECTORY for a file, INVALID_INPUT for a malformed one
   */
  static BashRequest parse(JsonObject input, RootedPaths paths) {
    String userCwd = input.getString("cwd");
    Path cwd = userCwd == null ? paths.root() : paths.resolve(userCwd);
    if (!Files.exists(cwd)) {
      throw FsErrors.FILE_NOT_FOUND.exception("the working directory '" + userCwd
          + "' does not exist; create it first or pick an existing directory under the spoke's root");
    }
    if (!Files.isDirectory(cwd)) {
      throw FsErrors.NOT_A_DIRECTORY.exception("the working directory '" + userCwd
          + "' is not a directory; pass the directory that contains it instead");
    }
    Number timeout = input.getNumber("timeoutMs");
    return new BashRequest(
        input.getString("command"),
        cwd,
        BashEnvironment.build(System.getenv(), input.getJsonObject("env")),
        input.getString("stdin"),
        timeout == null ? 0 : timeout.longValue());
  }
}
