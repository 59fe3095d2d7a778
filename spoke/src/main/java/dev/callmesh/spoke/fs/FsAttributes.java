package dev.callmesh.spoke.fs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/** How file metadata appears in fs outputs: type names, ISO-8601 times and octal modes. */
final class FsAttributes {

  private FsAttributes() {
  }

  /** @return the attributes of the path itself, a final symlink not followed */
  static BasicFileAttributes read(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** @return {@code file}, {@code directory}, {@code symlink} or {@code other} (fifo, socket, device) */
  static String type(BasicFileAttributes attrs) {
    if (attrs.isSymbolicLink()) {
      return "symlink";
    }
    if (attrs.isDirectory()) {
      return "directory";
    }
    return attrs.isRegularFile() ? "file" : "other";
  }

  /** @return the time as ISO-8601 UTC, to the millisecond */
  static String iso(FileTime time) {
    return time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** @return the permission bits as an octal string such as {@code 0644} */
  static String mode(Path path, BasicFileAttributes attrs) throws IOException {
    Set<PosixFilePermission> perms;
    if (attrs instanceof PosixFileAttributes posix) {
      perms = posix.permissions();
    } else {
      try {
        perms = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
      } catch (UnsupportedOperationException e) {
        return attrs.isDirectory() ? "0755" : "0644";
      }
    }
    int bits = 0;
    for (PosixFilePermission p : perms) {
      // the enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", bits);
  }

  /** @return {@code {name, path, type, size, modifiedAt}} of one listed entry */
  static JsonObject entry(Path path, BasicFileAttributes attrs, RootedPaths paths) {
    return new JsonObject()
        .put("name", path.getFileName().toString())
        .put("path", paths.relative(path))
        .put("type", type(attrs))
        .put("size", attrs.size())
        .put("modifiedAt", iso(attrs.lastModifiedTime()));
  }
}
