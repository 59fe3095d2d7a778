package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confines user-supplied paths to the spoke's root directory (docs/SECURITY.md).
 * <p>
 * A user path is relative to the root, or absolute and inside it. It is normalized lexically, so a
 * {@code ..} that would climb above the root is refused. Symlinks are then checked with the operating
 * system's own resolution: the real path of the target (when it exists), or of its deepest existing
 * ancestor (when it does not), must lie under the root's real path; a dangling symlink on the way is
 * followed to where it points, and that place is checked the same way. Anything that escapes is
 * {@link ErrorCode#FORBIDDEN}; a NUL byte or an unparsable path is {@link ErrorCode#INVALID_INPUT}.
 * <p>
 * The paths returned contain no symlink at all at the time of the check (except, for
 * {@link #resolveNoFollow}, possibly the last component), so operations can open them with
 * {@link LinkOption#NOFOLLOW_LINKS} and refuse a link swapped in afterwards.
 * <p>
 * The methods do blocking file system calls: use them off the event loop.
 */
public final class RootedPaths {

  /** Longest chain of dangling symlinks followed before giving up (as the kernel's ELOOP limit). */
  private static final int MAX_LINK_HOPS = 40;

  private final Path root;
  private final Path givenRoot;

  /**
   * @param root the spoke's root directory; it must exist
   * @throws UncheckedIOException when the root does not exist or cannot be resolved
   * @throws IllegalArgumentException when the root is not a directory
   */
  public RootedPaths(Path root) {
    try {
      this.givenRoot = root.toAbsolutePath().normalize();
      this.root = givenRoot.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + root + " as the root: " + e.getMessage(), e);
    }
    if (!Files.isDirectory(this.root)) {
      throw new IllegalArgumentException("the root " + root + " is not a directory");
    }
  }

  /** @return the root's real, absolute path */
  public Path root() {
    return root;
  }

  /**
   * Resolves a user path, following every symlink in it, the last component included.
   *
   * @param userPath a path relative to the root, or absolute inside it
   * @return a symlink-free absolute path under the root: the target's real path when it exists, else the
   *     real path of its deepest existing ancestor joined with the missing components
   * @throws CallException FORBIDDEN when the path leads outside the root, INVALID_INPUT when it is malformed
   */
  public Path resolve(String userPath) {
    return confine(lexical(userPath), userPath, 0);
  }

  /**
   * Resolves a user path without following its last component: a symlink there is the object to act on
   * (to stat, remove or move), not its target. Every directory on the way is still checked.
   *
   * @param userPath a path relative to the root, or absolute inside it
   * @return an absolute path under the root whose parent is symlink-free; the root itself for the root
   * @throws CallException FORBIDDEN when the path leads outside the root, INVALID_INPUT when it is malformed
   */
  public Path resolveNoFollow(String userPath) {
    Path candidate = lexical(userPath);
    if (candidate.equals(root)) {
      return root;
    }
    Path parent = confine(candidate.getParent(), userPath, 0);
    return parent.resolve(candidate.getFileName().toString());
  }

  /**
   * @param path an absolute path under the root (as returned by {@link #resolve})
   * @return the path relative to the root with {@code /} separators; {@code "."} for the root itself
   */
  public String relative(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    Path rel;
    if (abs.startsWith(root)) {
      rel = root.relativize(abs);
    } else if (abs.startsWith(givenRoot)) {
      rel = givenRoot.relativize(abs);
    } else {
      return abs.getFileName() == null ? "." : abs.getFileName().toString();
    }
    String s = rel.toString().replace(rel.getFileSystem().getSeparator(), "/");
    return s.isEmpty() ? "." : s;
  }

  /** @return the user path made absolute under the root and normalized, not yet checked for symlinks */
  private Path lexical(String userPath) {
    if (userPath == null) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "a path is required");
    }
    if (userPath.indexOf('\0') >= 0) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "the path contains a NUL byte; remove it");
    }
    Path p;
    try {
      p = root.getFileSystem().getPath(userPath).normalize();
    } catch (InvalidPathException e) {
      throw CallException.of(ErrorCode.INVALID_INPUT, "'" + userPath + "' is not a valid path: " + e.getReason());
    }
    Path rel;
    if (p.isAbsolute()) {
      if (p.startsWith(root)) {
        rel = root.relativize(p);
      } else if (p.startsWith(givenRoot)) {
        rel = givenRoot.relativize(p);
      } else {
        throw outside(userPath);
      }
    } else {
      rel = p;
    }
    if (rel.getNameCount() > 0 && rel.getName(0).toString().equals("..")) {
      throw outside(userPath);
    }
    Path candidate = root.resolve(rel).normalize();
    if (!candidate.startsWith(root)) {
      throw outside(userPath);
    }
    return candidate;
  }

  /**
   * Checks, with the operating system's resolution, that {@code path} stays under the root.
   *
   * @return the symlink-free form of {@code path}
   */
  private Path confine(Path path, String userPath, int hops) {
    if (hops > MAX_LINK_HOPS) {
      throw CallException.of(ErrorCode.FORBIDDEN, "'" + userPath + "' goes through too many symlinks");
    }
    try {
      Path existing = path;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        throw outside(userPath);
      }
      Path rest = existing.relativize(path);
      if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
        // a dangling link: whatever gets created through it lands where it points
        Path target = existing.getParent().resolve(Files.readSymbolicLink(existing));
        return confine(rest.toString().isEmpty() ? target : target.resolve(rest), userPath, hops + 1);
      }
      Path real = existing.toRealPath();
      if (!real.startsWith(root)) {
        throw outside(userPath);
      }
      if (rest.toString().isEmpty()) {
        return real;
      }
      Path tail = rest.normalize();
      if (tail.getNameCount() > 0 && tail.getName(0).toString().equals("..")) {
        throw outside(userPath);
      }
      return real.resolve(tail);
    } catch (IOException e) {
      throw CallException.of(ErrorCode.FORBIDDEN, "cannot check where '" + userPath + "' leads: " + e.getMessage());
    }
  }

  private static CallException outside(String userPath) {
    return CallException.of(ErrorCode.FORBIDDEN, "'" + userPath + "' is outside the spoke's root; "
        + "use a path relative to the root (or absolute inside it) that does not leave it through .. or a symlink");
  }
}
