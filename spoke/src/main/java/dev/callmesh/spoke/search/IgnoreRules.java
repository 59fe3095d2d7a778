package dev.callmesh.spoke.search;

import org.eclipse.jgit.ignore.IgnoreNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The {@code .gitignore} rules in force in one directory of a walk: an immutable chain of parsed files, the
 * deepest first. An entry is checked against the deepest file first; the first file with a matching rule
 * decides (its last matching rule, so {@code !} negation works inside a file), and a deeper file overrides
 * a shallower one, as in git. Parsing and matching are JGit's ({@link IgnoreNode}).
 * <p>
 * As in git, a directory that is ignored is never entered, so a negation cannot bring back a file under an
 * ignored directory. An unreadable or malformed {@code .gitignore} is treated as empty.
 */
final class IgnoreRules {

  /** The rules of no file at all. */
  static final IgnoreRules NONE = new IgnoreRules(null, null, null);

  private final Path dir;
  private final IgnoreNode node;
  private final IgnoreRules parent;

  private IgnoreRules(Path dir, IgnoreNode node, IgnoreRules parent) {
    this.dir = dir;
    this.node = node;
    this.parent = parent;
  }

  /**
   * @param root the top directory whose {@code .gitignore} files count (the spoke's root)
   * @param start a directory under {@code root} (or the root itself) where a walk begins
   * @return the rules of the {@code .gitignore} files of {@code root} and every directory between it and
   *     {@code start}, {@code start} excluded (the walk reads that one when it enters)
   */
  static IgnoreRules above(Path root, Path start) {
    IgnoreRules rules = NONE;
    if (!start.startsWith(root) || start.equals(root)) {
      return rules;
    }
    Path dir = root;
    rules = rules.enter(dir);
    Path rel = root.relativize(start);
    for (int i = 0; i < rel.getNameCount() - 1; i++) {
      dir = dir.resolve(rel.getName(i));
      rules = rules.enter(dir);
    }
    return rules;
  }

  /**
   * @param directory a directory being entered by the walk
   * @return these rules plus those of the directory's own {@code .gitignore}, if it has one
   */
  IgnoreRules enter(Path directory) {
    Path file = directory.resolve(".gitignore");
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return this;
    }
    IgnoreNode parsed = new IgnoreNode();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      parsed.parse(file.toString(), in);
    } catch (IOException | RuntimeException e) {
      return this;
    }
    return parsed.getRules().isEmpty() ? this : new IgnoreRules(directory, parsed, this);
  }

  /**
   * @param entry an entry of the directory these rules were made for (or a deeper one)
   * @param isDirectory whether the entry is a directory (rules ending in {@code /} match only those)
   * @return whether git would ignore the entry
   */
  boolean isIgnored(Path entry, boolean isDirectory) {
    for (IgnoreRules r = this; r.node != null; r = r.parent) {
      String rel = r.dir.relativize(entry).toString().replace(entry.getFileSystem().getSeparator(), "/");
      Boolean ignored = r.node.checkIgnored(rel, isDirectory);
      if (ignored != null) {
        return ignored;
      }
    }
    return false;
  }
}
