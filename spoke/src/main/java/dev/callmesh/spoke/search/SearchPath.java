package dev.callmesh.spoke.search;

import dev.callmesh.spoke.fs.FsErrors;
import dev.callmesh.spoke.fs.RootedPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a search starts: the caller's {@code path} confined to the root (default: the root itself) and
 * what it is.
 *
 * @param path the absolute, symlink-free path
 * @param attributes its attributes
 */
record SearchPath(Path path, BasicFileAttributes attributes) {

  /**
   * Blocking: call off the event loop.
   *
   * @param paths the root
   * @param userPath the caller's path, or {@code null} for the root
   * @return where to search
   * @throws dev.callmesh.protocol.CallException FORBIDDEN outside the root, FILE_NOT_FOUND when missing
   * @throws IOException when the path cannot be examined
   */
  static SearchPath resolve(RootedPaths paths, String userPath) throws IOException {
    String given = userPath == null ? "." : userPath;
    Path path = paths.resolve(given);
    try {
      return new SearchPath(path, Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      throw FsErrors.FILE_NOT_FOUND.exception("'" + given + "' does not exist; check the path with /fs/list");
    }
  }
}
