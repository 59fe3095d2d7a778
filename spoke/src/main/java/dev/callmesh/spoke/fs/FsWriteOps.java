package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fs operations that create things: {@code /fs/writeFile} and {@code /fs/mkdir}.
 * Each method blocks: call it from a worker thread. Failures are thrown as-is and translated by the caller.
 */
final class FsWriteOps {

  private final RootedPaths paths;

  FsWriteOps(RootedPaths paths) {
    this.paths = paths;
  }

  /**
   * {@code {path, content, encoding?, createDirs?, append?}} → {@code {size}}, the file's size after the
   * write. The file is written in place (not replaced through a temporary file), so its permissions stay.
   */
  JsonObject writeFile(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    byte[] bytes = decode(input.getString("content"), input.getString("encoding", "utf8"));
    Path file = paths.resolve(userPath);
    if (file.equals(paths.root()) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      throw FsErrors.IS_A_DIRECTORY.exception("'" + userPath + "' is a directory; write to a file inside it");
    }
    Path parent = file.getParent();
    if (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      if (!input.getBoolean("createDirs", false)) {
        throw FsErrors.FILE_NOT_FOUND.exception("the directory '" + paths.relative(parent) + "' does not exist; "
            + "create it with /fs/mkdir or pass createDirs:true");
      }
      createDirectories(parent);
    } else if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
      throw FsErrors.NOT_A_DIRECTORY.exception("'" + paths.relative(parent) + "' is not a directory, so '"
          + userPath + "' cannot be created in it");
    }
    Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
    options.add(input.getBoolean("append", false) ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    options.add(LinkOption.NOFOLLOW_LINKS);
    try (FileChannel ch = FileChannel.open(file, options)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      return new JsonObject().put("size", ch.size());
    }
  }

  private static byte[] decode(String content, String encoding) {
    if (!"base64".equals(encoding)) {
      return content.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(content);
    } catch (IllegalArgumentException e) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "content is not valid base64 (" + e.getMessage()
          + "); send standard base64 with padding, or use encoding utf8 for text");
    }
  }

  /**
   * {@code {path, parents?}} → {@code {path, created}}. With {@code parents}, missing parents are created and
   * an existing directory is accepted ({@code created:false}), as {@code mkdir -p} does.
   */
  JsonObject mkdir(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    Path dir = paths.resolve(userPath);
    boolean parents = input.getBoolean("parents", false);
    BasicFileAttributes existing = attributesOrNull(dir);
    if (existing != null) {
      if (parents && existing.isDirectory()) {
        return result(dir, false);
      }
      throw FsErrors.FILE_EXISTS.exception("'" + userPath + "' already exists" + (existing.isDirectory()
          ? "; pass parents:true to accept an existing directory" : " and is not a directory"));
    }
    if (parents) {
      createDirectories(dir);
      return result(dir, true);
    }
    try {
      Files.createDirectory(dir);
    } catch (NoSuchFileException e) {
      throw FsErrors.FILE_NOT_FOUND.exception("the parent of '" + userPath + "' does not exist; "
          + "pass parents:true to create it too");
    } catch (FileAlreadyExistsException e) {
      throw FsErrors.FILE_EXISTS.exception("'" + userPath + "' already exists");
    }
    return result(dir, true);
  }

  /** Like {@link Files#createDirectories}, but a file on the way is reported as NOT_A_DIRECTORY. */
  private void createDirectories(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw FsErrors.NOT_A_DIRECTORY.exception("'" + paths.relative(Path.of(e.getFile())) + "' is not a "
          + "directory, so '" + paths.relative(dir) + "' cannot be created under it");
    }
  }

  private JsonObject result(Path dir, boolean created) {
    return new JsonObject().put("path", paths.relative(dir)).put("created", created);
  }

  static BasicFileAttributes attributesOrNull(Path path) throws IOException {
    try {
      return FsAttributes.read(path);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
