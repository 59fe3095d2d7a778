package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The fs operations that rearrange the tree: {@code /fs/remove} and {@code /fs/move}. Neither
 * ever follows a symlink: a link is removed or moved as itself. The root itself can be neither.
 * Each method blocks: call it from a worker thread. Failures are thrown as-is and translated by the caller.
 */
final class FsTreeOps {

  private final RootedPaths paths;

  FsTreeOps(RootedPaths paths) {
    this.paths = paths;
  }

  /**
   * {@code {path, recursive?}} → {@code {removed}}, the number of entries removed (the path included).
   * A non-empty directory needs {@code recursive}; an empty one does not.
   */
  JsonObject remove(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    Path path = paths.resolveNoFollow(userPath);
    if (path.equals(paths.root())) {
      throw CallException.of(ErrorCode.FORBIDDEN, "the spoke's root cannot be removed; remove the entries inside it");
    }
    BasicFileAttributes attrs = FsWriteOps.attributesOrNull(path);
    if (attrs == null) {
      throw FsErrors.FILE_NOT_FOUND.exception("'" + userPath + "' does not exist; nothing was removed");
    }
    if (!attrs.isDirectory()) {
      Files.delete(path);
      return removed(1);
    }
    if (!input.getBoolean("recursive", false)) {
      try {
        Files.delete(path);
        return removed(1);
      } catch (DirectoryNotEmptyException e) {
        throw FsErrors.IS_A_DIRECTORY.exception("'" + userPath + "' is a directory that is not empty; "
            + "pass recursive:true to remove it with everything in it");
      }
    }
    return removed(deleteTree(path));
  }

  private static JsonObject removed(int n) {
    return new JsonObject().put("removed", n);
  }

  /** @return how many entries were deleted, the directory included */
  private static int deleteTree(Path dir) throws IOException {
    int n;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      if (ds instanceof SecureDirectoryStream<Path> sds) {
        // relative to an open directory handle: a directory swapped for a symlink cannot redirect us
        n = deleteContents(sds);
      } else {
        ds.close();
        return deleteWalking(dir);
      }
    }
    Files.delete(dir);
    return n + 1;
  }

  private static int deleteContents(SecureDirectoryStream<Path> dir) throws IOException {
    List<Path> names = new ArrayList<>();
    dir.forEach(p -> names.add(p.getFileName()));
    int n = 0;
    for (Path name : names) {
      BasicFileAttributes attrs = dir.getFileAttributeView(name, BasicFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).readAttributes();
      if (attrs.isDirectory()) {
        try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
          n += deleteContents(sub);
        }
        dir.deleteDirectory(name);
      } else {
        dir.deleteFile(name);
      }
      n++;
    }
    return n;
  }

  private static int deleteWalking(Path dir) throws IOException {
    int[] n = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        n[0]++;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.delete(d);
        n[0]++;
        return FileVisitResult.CONTINUE;
      }
    });
    return n[0];
  }

  /**
   * {@code {from, to, overwrite?}} → {@code {from, to}} (both relative to the root). Without
   * {@code overwrite}, an existing {@code to} is FILE_EXISTS; with it, a file or empty directory there is
   * replaced. The parent of {@code to} must exist.
   */
  JsonObject move(JsonObject input) throws IOException {
    String fromPath = input.getString("from");
    String toPath = input.getString("to");
    Path from = paths.resolveNoFollow(fromPath);
    Path to = paths.resolveNoFollow(toPath);
    if (from.equals(paths.root()) || to.equals(paths.root())) {
      throw CallException.of(ErrorCode.FORBIDDEN, "the spoke's root cannot be moved or replaced");
    }
    BasicFileAttributes fromAttrs = FsWriteOps.attributesOrNull(from);
    if (fromAttrs == null) {
      throw FsErrors.FILE_NOT_FOUND.exception("'" + fromPath + "' does not exist; nothing was moved");
    }
    JsonObject result = new JsonObject().put("from", paths.relative(from)).put("to", paths.relative(to));
    if (from.equals(to)) {
      return result;
    }
    if (fromAttrs.isDirectory() && to.startsWith(from)) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "'" + fromPath + "' cannot be moved into itself ('"
          + toPath + "')");
    }
    BasicFileAttributes toAttrs = FsWriteOps.attributesOrNull(to);
    boolean overwrite = input.getBoolean("overwrite", false);
    if (toAttrs != null && !overwrite) {
      throw FsErrors.FILE_EXISTS.exception("'" + toPath + "' already exists; pass overwrite:true to replace it");
    }
    if (toAttrs == null && !Files.isDirectory(to.getParent(), LinkOption.NOFOLLOW_LINKS)) {
      throw FsErrors.FILE_NOT_FOUND.exception("the directory '" + paths.relative(to.getParent())
          + "' does not exist; create it first with /fs/mkdir");
    }
    if (overwrite) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.move(from, to);
    }
    return result;
  }
}
