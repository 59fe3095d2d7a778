package dev.callmesh.hub.impl;

import dev.callmesh.hub.HubOptions;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The hub's data directory ({@code --data-dir}): made, mode 0700, when missing, and checked to be a writable
 * directory before the hub listens. It holds the hub's key ({@value #HUB_KEY}) unless {@code --hub-key} names
 * another file.
 */
final class DataDir {

  /** The name of the hub's key file in the data directory. */
  static final String HUB_KEY = "hub_key";

  private DataDir() {
  }

  /**
   * Blocking: call it off the event loop. Prepares the data directory when one is set.
   *
   * @param options the hub's options
   * @return the hub's key file: {@code --hub-key} when set, else {@value #HUB_KEY} in the data directory, else
   *     {@code null} (no data directory: the key lives in memory)
   * @throws IOException naming the directory, when it is not a directory, cannot be made, or is not writable
   */
  static Path hubKeyFile(HubOptions options) throws IOException {
    Path dir = options.getDataDir();
    if (dir != null) {
      prepare(dir);
    }
    if (options.getHubKey() != null) {
      return options.getHubKey();
    }
    return dir == null ? null : dir.resolve(HUB_KEY);
  }

  private static void prepare(Path dir) throws IOException {
    String hint = "; point --data-dir (CALLMESH_DATA_DIR) at a directory the hub can write";
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException("the data directory " + dir.toAbsolutePath() + " is not a directory" + hint);
    }
    if (!Files.exists(dir)) {
      try {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
          Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(dir);
        }
      } catch (FileAlreadyExistsException e) {
        return; // made by someone else just now
      } catch (IOException | SecurityException e) {
        throw new IOException("cannot make the data directory " + dir.toAbsolutePath() + ": " + e + hint, e);
      }
    }
    if (!Files.isWritable(dir)) {
      throw new IOException("the data directory " + dir.toAbsolutePath() + " is not writable" + hint);
    }
  }
}
