package dev.callmesh.spoke.search;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.fs.FsErrors;
import dev.callmesh.spoke.fs.RootedPaths;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns a failure of a search into the {@link CallException} the caller sees. */
final class SearchFailures {

  private SearchFailures() {
  }

  /**
   * @param failure what the search threw
   * @param paths the root paths are reported against
   * @return a {@link CallException} unchanged; a missing file as FILE_NOT_FOUND, a denied one as FORBIDDEN,
   *     anything else as INTERNAL
   */
  static CallException translate(Throwable failure, RootedPaths paths) {
    if (failure instanceof CallException ce) {
      return ce;
    }
    if (failure instanceof NoSuchFileException e) {
      return FsErrors.FILE_NOT_FOUND.exception("'" + name(e.getFile(), paths) + "' does not exist; check the path with /fs/list");
    }
    if (failure instanceof AccessDeniedException e) {
      return CallException.of(ErrorCode.FORBIDDEN, "the spoke is not allowed to read '" + name(e.getFile(), paths)
          + "' (file permissions)");
    }
    return CallException.of(ErrorCode.INTERNAL, "the search failed: " + failure);
  }

  private static String name(String file, RootedPaths paths) {
    return file == null ? "(unknown path)" : paths.relative(Path.of(file));
  }
}
