package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The directories one watch has registered with its {@link WatchService}, by key, up to a bound. Used by
 * one thread at a time (the handler's, then the session's).
 */
final class FsWatchDirectories {

  private final WatchService service;
  private final int max;
  private final Map<WatchKey, Path> directories = new HashMap<>();

  /**
   * @param service where directories are registered
   * @param max the most directories registered at once
   */
  FsWatchDirectories(WatchService service, int max) {
    this.service = service;
    this.max = max;
  }

  /**
   * @param key a key the service signalled
   * @return the directory it watches, or {@code null} if it was forgotten
   */
  Path directory(WatchKey key) {
    return directories.get(key);
  }

  /** Forgets a key that is no longer valid. */
  void forget(WatchKey key) {
    directories.remove(key);
  }

  /**
   * Registers one directory for created, modified and deleted entries.
   *
   * @param dir an absolute directory path under the root
   * @throws CallException RESOURCE_EXHAUSTED when the bound (or the system's watch limit) is reached
   * @throws IOException when the directory cannot be watched
   */
  void register(Path dir) throws IOException {
    if (directories.size() >= max) {
      throw CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the watch would cover more than " + max
          + " directories; watch a smaller tree or without recursive");
    }
    WatchKey key;
    try {
      key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("limit")) {
        throw CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "the system's limit of watched directories is reached ("
            + e.getMessage() + "); watch a smaller tree");
      }
      throw e;
    }
    directories.put(key, dir);
  }

  /**
   * Registers every directory under {@code top} ({@code top} itself too unless {@code skipTop}), never
   * following symlinks. Entries that vanish meanwhile are skipped.
   *
   * @param top the directory to start from
   * @param skipTop whether {@code top} is registered already
   * @param found when not {@code null}, called with every entry found under {@code top}
   * @throws CallException RESOURCE_EXHAUSTED when the bound is reached
   * @throws IOException when a directory cannot be watched
   */
  void registerTree(Path top, boolean skipTop, Consumer<Path> found) throws IOException {
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        boolean isTop = dir.equals(top);
        if (!isTop || !skipTop) {
          try {
            register(dir);
          } catch (NoSuchFileException e) {
            return FileVisitResult.SKIP_SUBTREE;
          }
        }
        if (!isTop && found != null) {
          found.accept(dir);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (found != null) {
          found.accept(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
