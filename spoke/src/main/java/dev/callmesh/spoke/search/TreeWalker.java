package dev.callmesh.spoke.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Walks a directory tree depth-first, visiting regular files in path order: a directory's entries are
 * sorted by name, a directory's name compared as if it ended in {@code /}, so the files come out sorted by
 * their full path string.
 * <p>
 * The walk never follows a symlink (links are skipped, so it cannot leave the tree), skips every entry
 * named {@code .git}, and skips what the {@code .gitignore} files in force ignore ({@link IgnoreRules}).
 * Subdirectories it cannot read are skipped. Before each entry it asks whether to stop.
 * <p>
 * It does blocking file system calls: run it off the event loop.
 */
final class TreeWalker {

  /** What the walk does with each file. */
  @FunctionalInterface
  interface FileVisitor {
    /**
     * @param file the file's absolute path
     * @param attributes its attributes, read without following links
     * @return whether to go on walking
     * @throws IOException to end the walk with that failure
     */
    boolean visit(Path file, BasicFileAttributes attributes) throws IOException;
  }

  /** One directory entry with what sorting and filtering need. */
  private record Entry(Path path, String sortKey, BasicFileAttributes attributes) {
  }

  private static final Comparator<Entry> ORDER = Comparator.comparing(Entry::sortKey);

  private final Path root;
  private final BooleanSupplier stopped;

  /**
   * @param root the top directory whose {@code .gitignore} files count (the spoke's real root)
   * @param stopped asked before each entry; the walk ends as soon as it answers true
   */
  TreeWalker(Path root, BooleanSupplier stopped) {
    this.root = root;
    this.stopped = stopped;
  }

  /**
   * Walks {@code start}, honoring the {@code .gitignore} files from the root down to it.
   *
   * @param start a directory under the root, symlink-free
   * @param visitor called for each file in order
   * @return true when the walk went through the whole tree, false when it was stopped
   * @throws IOException when {@code start} cannot be read, or the visitor fails
   */
  boolean walk(Path start, FileVisitor visitor) throws IOException {
    return walkDirectory(start, IgnoreRules.above(root, start), visitor, true);
  }

  private boolean walkDirectory(Path dir, IgnoreRules inherited, FileVisitor visitor, boolean top)
      throws IOException {
    IgnoreRules rules = inherited.enter(dir);
    List<Entry> entries;
    try {
      entries = list(dir);
    } catch (IOException e) {
      if (top) {
        throw e;
      }
      return true;
    }
    for (Entry entry : entries) {
      if (stopped.getAsBoolean()) {
        return false;
      }
      BasicFileAttributes attrs = entry.attributes();
      if (attrs.isDirectory()) {
        if (!rules.isIgnored(entry.path(), true) && !walkDirectory(entry.path(), rules, visitor, false)) {
          return false;
        }
      } else if (attrs.isRegularFile() && !rules.isIgnored(entry.path(), false)) {
        if (!visitor.visit(entry.path(), attrs)) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<Entry> list(Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path path : stream) {
        String name = path.getFileName().toString();
        if (name.equals(".git")) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue; // vanished or unreadable since the listing
        }
        if (attrs.isSymbolicLink()) {
          continue;
        }
        entries.add(new Entry(path, attrs.isDirectory() ? name + "/" : name, attrs));
      }
    }
    entries.sort(ORDER);
    return entries;
  }
}
