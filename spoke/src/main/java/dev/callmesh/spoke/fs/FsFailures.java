package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Turns a failure of a file system call into the {@link CallException} the caller sees: java.nio's
 * exceptions become the fs domain codes (or FORBIDDEN), with a message naming the path relative to the
 * root and saying what to do. Operations check the common cases first to give more specific advice; this
 * is the safety net for everything else, races included.
 */
final class FsFailures {

  private FsFailures() {
  }

  /**
   * @param failure what a file system call threw
   * @param paths the root the paths are reported against
   * @return the exception to fail the call with; a {@link CallException} is returned unchanged
   */
  static CallException translate(Throwable failure, RootedPaths paths) {
    if (failure instanceof CallException ce) {
      return ce;
    }
    if (failure instanceof FileSystemException fse) {
      String file = name(fse.getFile(), paths);
      if (fse instanceof NoSuchFileException) {
        return FsErrors.FILE_NOT_FOUND.exception("'" + file + "' does not exist; check the path with /fs/list");
      }
      if (fse instanceof FileAlreadyExistsException) {
        return FsErrors.FILE_EXISTS.exception("'" + file + "' already exists; choose another path or remove it first");
      }
      if (fse instanceof NotDirectoryException) {
        return FsErrors.NOT_A_DIRECTORY.exception("'" + file + "' is not a directory");
      }
      if (fse instanceof DirectoryNotEmptyException) {
        return FsErrors.IS_A_DIRECTORY.exception("'" + file + "' is a directory that is not empty; "
            + "remove its contents first, or pass recursive:true to /fs/remove");
      }
      if (fse instanceof AccessDeniedException) {
        return CallException.of(ErrorCode.FORBIDDEN, "the spoke is not allowed to access '" + file
            + "' (file permissions); change the permissions or use another path");
      }
      if (fse instanceof FileSystemLoopException) {
        return CallException.of(ErrorCode.FORBIDDEN, "'" + file + "' is part of a symlink loop");
      }
      String reason = fse.getReason() == null ? "" : fse.getReason();
      if (reason.contains("Not a directory")) {
        return FsErrors.NOT_A_DIRECTORY.exception("a component of '" + file + "' is not a directory");
      }
      if (reason.contains("Is a directory")) {
        return FsErrors.IS_A_DIRECTORY.exception("'" + file + "' is a directory");
      }
      if (reason.contains("Too many levels of symbolic links")) {
        // a symlink appeared where the checked path had none (opened with NOFOLLOW_LINKS)
        return CallException.of(ErrorCode.FORBIDDEN, "'" + file + "' is a symlink (it changed while in use); "
            + "use the path it points to");
      }
      return CallException.of(ErrorCode.INTERNAL, "file system error on '" + file + "': "
          + (reason.isEmpty() ? fse.getClass().getSimpleName() : reason));
    }
    if (failure instanceof OutOfMemoryError) {
      return CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the spoke ran out of memory; try a smaller request");
    }
    return CallException.of(ErrorCode.INTERNAL, "unexpected failure: " + failure);
  }

  private static String name(String file, RootedPaths paths) {
    if (file == null) {
      return "(unknown path)";
    }
    try {
      return paths.relative(Path.of(file));
    } catch (RuntimeException e) {
      return file;
    }
  }
}
