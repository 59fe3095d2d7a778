package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies RootedPaths on its own: what it returns for paths inside, and how it reports the outside. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RootedPathsTest {

  @TempDir
  Path tmp;
  Path root;
  RootedPaths paths;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(tmp.resolve("root"));
    paths = new RootedPaths(root);
  }

  @Test
  void resolvesInsidePathsToRealPathsUnderTheRoot() throws Exception {
    Path real = root.toRealPath();
    assertEquals(real, paths.root());
    assertEquals(real, paths.resolve("."));
    assertEquals(real, paths.resolve(""));
    assertEquals(real.resolve("a/b"), paths.resolve("a/b"), "missing components are kept");
    assertEquals(real.resolve("b"), paths.resolve("a/../b"));
    assertEquals(real.resolve("x"), paths.resolve(root + "/x"));
    Files.createDirectory(root.resolve("dir"));
    Files.createSymbolicLink(root.resolve("alias"), root.resolve("dir"));
    assertEquals(real.resolve("dir/f"), paths.resolve("alias/f"), "inner links are resolved away");
    assertEquals(real.resolve("alias"), paths.resolveNoFollow("alias"), "the last link is kept");
  }

  @Test
  void relativeUsesSlashesAndDotForTheRoot() throws Exception {
    assertEquals(".", paths.relative(paths.root()));
    assertEquals("a/b/c", paths.relative(paths.root().resolve("a").resolve("b").resolve("c")));
    assertEquals("a", paths.relative(root.resolve("a")));
  }

  @Test
  void outsidePathsAreForbiddenAndNulIsInvalid() {
    for (String p : new String[] {"..", "../x", "a/../../x", "/etc/passwd", "/"}) {
      CallException e = assertThrows(CallException.class, () -> paths.resolve(p), p);
      assertEquals("FORBIDDEN", e.code(), p);
      assertTrue(e.getMessage().contains(p), "the message names the path: " + e.getMessage());
    }
    assertEquals("INVALID_INPUT", assertThrows(CallException.class, () -> paths.resolve("a\0")).code());
  }

  @Test
  void symlinkLoopsAreRefused() throws Exception {
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    assertEquals("FORBIDDEN", assertThrows(CallException.class, () -> paths.resolve("loop/x")).code());
  }

  @Test
  void aRootThatIsNotADirectoryIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThrows(IllegalArgumentException.class, () -> new RootedPaths(file));
    assertThrows(java.io.UncheckedIOException.class, () -> new RootedPaths(tmp.resolve("missing")));
  }
}
