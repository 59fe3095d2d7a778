package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The read-only fs operations: {@code /fs/readFile}, {@code /fs/stat} and {@code /fs/list}.
 * Each method blocks: call it from a worker thread. Failures are thrown as-is and translated by the caller.
 */
final class FsReadOps {

  /** Most bytes one {@code /fs/readFile} returns: 16 MiB, the default frame limit. */
  static final long MAX_READ_BYTES = 16L * 1024 * 1024;
  /** Most entries one {@code /fs/list} returns; beyond that {@code truncated} is true. */
  static final int MAX_LIST_ENTRIES = 10_000;

  private final RootedPaths paths;

  FsReadOps(RootedPaths paths) {
    this.paths = paths;
  }

  /**
   * {@code {path, encoding?, offset?, length?}} → {@code {content, encoding, size, modifiedAt, lossy?}}.
   * In utf8 mode, bytes that are not valid UTF-8 are replaced by U+FFFD and {@code lossy:true} is added.
   */
  JsonObject readFile(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    Path file = paths.resolve(userPath);
    String encoding = input.getString("encoding", "utf8");
    BasicFileAttributes attrs = attributes(file, userPath);
    if (attrs.isDirectory()) {
      throw FsErrors.IS_A_DIRECTORY.exception("'" + userPath + "' is a directory; use /fs/list to see its entries");
    }
    if (!attrs.isRegularFile()) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "'" + userPath + "' is not a regular file (a fifo, socket "
          + "or device) and cannot be read with /fs/readFile");
    }
    long size = attrs.size();
    long offset = input.getLong("offset", 0L);
    long available = Math.max(0, size - offset);
    Long length = input.getLong("length");
    long wanted = length == null ? available : Math.min(length, available);
    if (wanted > MAX_READ_BYTES) {
      throw CallException.of(ErrorCode.RESOURCE_EXHAUSTED, "'" + userPath + "' is " + size + " bytes; one read "
          + "returns at most " + MAX_READ_BYTES + " bytes (16 MiB): read it in parts with offset and length");
    }
    byte[] bytes = read(file, offset, (int) wanted);
    String content;
    boolean lossy = false;
    if ("base64".equals(encoding)) {
      content = Base64.getEncoder().encodeToString(bytes);
    } else {
      encoding = "utf8";
      try {
        content = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        content = new String(bytes, StandardCharsets.UTF_8); // replaces bad sequences with U+FFFD
        lossy = true;
      }
    }
    JsonObject out = new JsonObject().put("content", content).put("encoding", encoding).put("size", size)
        .put("modifiedAt", FsAttributes.iso(attrs.lastModifiedTime()));
    return lossy ? out.put("lossy", true) : out;
  }

  private static byte[] read(Path file, long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long pos = offset;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          break; // the file shrank meanwhile: return what is there
        }
        pos += n;
      }
    }
    byte[] bytes = new byte[buf.position()];
    buf.flip().get(bytes);
    return bytes;
  }

  /** {@code {path}} → {@code {path, type, size, modifiedAt, mode}}; a final symlink is described, not followed. */
  JsonObject stat(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    Path path = paths.resolveNoFollow(userPath);
    BasicFileAttributes attrs = attributes(path, userPath);
    return new JsonObject()
        .put("path", paths.relative(path))
        .put("type", FsAttributes.type(attrs))
        .put("size", attrs.size())
        .put("modifiedAt", FsAttributes.iso(attrs.lastModifiedTime()))
        .put("mode", FsAttributes.mode(path, attrs));
  }

  /**
   * {@code {path, depth?}} → {@code {entries, truncated}}: entries sorted by path, symlinks listed but not
   * followed, at most {@link #MAX_LIST_ENTRIES} (then {@code truncated:true}).
   */
  JsonObject list(JsonObject input) throws IOException {
    String userPath = input.getString("path");
    Path dir = paths.resolve(userPath);
    int depth = input.getInteger("depth", 1);
    BasicFileAttributes attrs = attributes(dir, userPath);
    if (!attrs.isDirectory()) {
      throw FsErrors.NOT_A_DIRECTORY.exception("'" + userPath + "' is a " + FsAttributes.type(attrs)
          + ", not a directory; use /fs/stat to describe it");
    }
    List<JsonObject> entries = new ArrayList<>();
    boolean complete = walk(dir, depth, entries);
    entries.sort(Comparator.comparing(e -> e.getString("path")));
    return new JsonObject().put("entries", new JsonArray(new ArrayList<>(entries))).put("truncated", !complete);
  }

  /** @return false when the bound was hit and entries were left out */
  private boolean walk(Path dir, int depth, List<JsonObject> entries) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(children::add);
    }
    children.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path child : children) {
      BasicFileAttributes attrs;
      try {
        attrs = FsAttributes.read(child);
      } catch (NoSuchFileException e) {
        continue; // removed while we looked
      }
      if (entries.size() >= MAX_LIST_ENTRIES) {
        return false;
      }
      entries.add(FsAttributes.entry(child, attrs, paths));
      if (depth > 1 && attrs.isDirectory() && !attrs.isSymbolicLink()) {
        boolean complete;
        try {
          complete = walk(child, depth - 1, entries);
        } catch (IOException e) {
          continue; // an unreadable subdirectory is listed, its contents are not
        }
        if (!complete) {
          return false;
        }
      }
    }
    return true;
  }

  private BasicFileAttributes attributes(Path path, String userPath) throws IOException {
    try {
      return FsAttributes.read(path);
    } catch (NoSuchFileException e) {
      throw FsErrors.FILE_NOT_FOUND.exception("'" + userPath + "' does not exist; check the path with /fs/list");
    }
  }
}
