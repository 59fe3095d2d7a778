package dev.callmesh.spoke.fs;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verifies that no fs operation reaches outside the root: through {@code ..}, absolute paths or symlinks
 * (to files, to directories, dangling), while links and absolute paths that stay inside keep working.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FsConfinementTest {

  @TempDir
  Path tmp;
  Path root;
  Path outside;
  FsFixture fs;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s3cret");
    Files.writeString(tmp.resolve("x"), "sibling");
    fs = new FsFixture(vertx, root);
  }

  private static JsonObject path(String p) {
    return new JsonObject().put("path", p);
  }

  private static JsonObject write(String p) {
    return path(p).put("content", "pwned").put("createDirs", true);
  }

  @Test
  void dotDotOutOfTheRootIsForbidden() throws Exception {
    fs.fails("FORBIDDEN", "/fs/readFile", path("../outside/secret"));
    fs.fails("FORBIDDEN", "/fs/readFile", path("a/../../x"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("../outside/new"));
    fs.fails("FORBIDDEN", "/fs/list", path(".."));
    fs.fails("FORBIDDEN", "/fs/stat", path("../outside"));
    fs.fails("FORBIDDEN", "/fs/mkdir", path("../made"));
    fs.fails("FORBIDDEN", "/fs/remove", path("../x"));
    fs.fails("FORBIDDEN", "/fs/move", new JsonObject().put("from", "../x").put("to", "x"));
    fs.fails("FORBIDDEN", "/fs/move", new JsonObject().put("from", "x").put("to", "../y"));
    assertFalse(Files.exists(outside.resolve("new")));
    assertFalse(Files.exists(tmp.resolve("made")));
    assertTrue(Files.exists(tmp.resolve("x")));
  }

  @Test
  void dotDotThatStaysInsideIsFine() throws Exception {
    Files.createDirectory(root.resolve("a"));
    Files.writeString(root.resolve("f"), "ok");
    assertEquals("ok", fs.call("/fs/readFile", path("a/../f")).getString("content"));
    assertEquals("ok", fs.call("/fs/readFile", path("./a/./../f")).getString("content"));
  }

  @Test
  void absolutePathsOutsideAreForbiddenInsideAllowed() throws Exception {
    fs.fails("FORBIDDEN", "/fs/readFile", path("/etc/passwd"));
    fs.fails("FORBIDDEN", "/fs/readFile", path(outside.resolve("secret").toString()));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("/tmp/callmesh-should-not-exist"));
    assertFalse(Files.exists(Path.of("/tmp/callmesh-should-not-exist")));
    // a sibling whose name merely starts with the root's name is outside
    Files.createDirectory(tmp.resolve("rootless"));
    fs.fails("FORBIDDEN", "/fs/list", path(tmp.resolve("rootless").toString()));

    Files.writeString(root.resolve("in.txt"), "inside");
    assertEquals("inside", fs.call("/fs/readFile", path(root.resolve("in.txt").toString())).getString("content"));
    assertEquals("inside", fs.call("/fs/readFile",
        path(root.toRealPath().resolve("in.txt").toString())).getString("content"));
    assertEquals(".", fs.call("/fs/stat", path(root.toString())).getString("path"));
  }

  @Test
  void symlinkToAFileOutsideCannotBeReadOrWritten() throws Exception {
    Files.createSymbolicLink(root.resolve("leak"), outside.resolve("secret"));
    fs.fails("FORBIDDEN", "/fs/readFile", path("leak"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("leak"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("leak").put("append", true));
    assertEquals("s3cret", Files.readString(outside.resolve("secret")));
  }

  @Test
  void symlinkedDirectoryOutsideCannotBeUsed() throws Exception {
    Files.createSymbolicLink(root.resolve("out"), outside);
    fs.fails("FORBIDDEN", "/fs/readFile", path("out/secret"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("out/new"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("out/deeper/new"));
    fs.fails("FORBIDDEN", "/fs/list", path("out"));
    fs.fails("FORBIDDEN", "/fs/stat", path("out/secret"));
    fs.fails("FORBIDDEN", "/fs/mkdir", path("out/d"));
    fs.fails("FORBIDDEN", "/fs/remove", path("out/secret"));
    fs.fails("FORBIDDEN", "/fs/move", new JsonObject().put("from", "out/secret").put("to", "mine"));
    fs.fails("FORBIDDEN", "/fs/move", new JsonObject().put("from", "out").put("to", "out/x"));
    assertTrue(Files.exists(outside.resolve("secret")));
    assertFalse(Files.exists(outside.resolve("new")));
    assertFalse(Files.exists(outside.resolve("deeper")));
    assertFalse(Files.exists(outside.resolve("d")));
  }

  @Test
  void theOutwardLinkItselfCanBeStattedListedAndRemoved() throws Exception {
    Files.createSymbolicLink(root.resolve("out"), outside);
    assertEquals("symlink", fs.call("/fs/stat", path("out")).getString("type"));
    assertEquals("symlink", fs.call("/fs/list", path(".")).getJsonArray("entries").getJsonObject(0).getString("type"));
    assertEquals(1, fs.call("/fs/remove", path("out").put("recursive", true)).getInteger("removed"));
    assertFalse(Files.exists(root.resolve("out"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(outside.resolve("secret")), "the target is untouched");
  }

  @Test
  void recursiveRemoveDoesNotFollowLinksInside() throws Exception {
    Files.createDirectories(root.resolve("t"));
    Files.createSymbolicLink(root.resolve("t/out"), outside);
    assertEquals(2, fs.call("/fs/remove", path("t").put("recursive", true)).getInteger("removed"));
    assertTrue(Files.exists(outside.resolve("secret")));
  }

  @Test
  void danglingLinkPointingOutsideCannotBeWrittenThrough() throws Exception {
    Files.createSymbolicLink(root.resolve("dangle"), outside.resolve("later"));
    Files.createSymbolicLink(root.resolve("dangdir"), outside.resolve("laterdir"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("dangle"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("dangdir/f"));
    fs.fails("FORBIDDEN", "/fs/mkdir", path("dangdir").put("parents", true));
    assertFalse(Files.exists(outside.resolve("later")));
    assertFalse(Files.exists(outside.resolve("laterdir")));
  }

  @Test
  void linkOutsideThenDotDotIsCheckedAsTheSystemResolvesIt() throws Exception {
    Files.createDirectories(outside.resolve("deep/er"));
    Files.createSymbolicLink(root.resolve("hop"), outside.resolve("deep/er"));
    // "hop/.." normalizes lexically to the root, which is inside: what we open is the lexical path
    assertEquals(".", fs.call("/fs/stat", path("hop/..")).getString("path"));
    // a dangling link whose target climbs through an outward link is resolved the way the kernel would
    Files.createSymbolicLink(root.resolve("sneaky"), Path.of("hop/../escaped"));
    fs.fails("FORBIDDEN", "/fs/writeFile", write("sneaky"));
    assertFalse(Files.exists(outside.resolve("deep/escaped")));
  }

  @Test
  void symlinksThatStayInsideAreFollowed() throws Exception {
    Files.createDirectories(root.resolve("real/dir"));
    Files.writeString(root.resolve("real/dir/f"), "hello");
    Files.createSymbolicLink(root.resolve("flink"), Path.of("real/dir/f"));
    Files.createSymbolicLink(root.resolve("dlink"), root.resolve("real"));
    assertEquals("hello", fs.call("/fs/readFile", path("flink")).getString("content"));
    assertEquals("hello", fs.call("/fs/readFile", path("dlink/dir/f")).getString("content"));
    fs.call("/fs/writeFile", path("flink").put("content", "changed"));
    assertEquals("changed", Files.readString(root.resolve("real/dir/f")));
    fs.call("/fs/writeFile", path("dlink/dir/g").put("content", "new"));
    assertEquals("new", Files.readString(root.resolve("real/dir/g")));
    assertEquals(2, fs.call("/fs/list", path("dlink/dir")).getJsonArray("entries").size());
    Files.createSymbolicLink(root.resolve("dangling-in"), Path.of("real/created"));
    fs.call("/fs/writeFile", path("dangling-in").put("content", "via link"));
    assertEquals("via link", Files.readString(root.resolve("real/created")));
  }

  @Test
  void nulByteIsInvalidInput() throws Exception {
    fs.fails("INVALID_INPUT", "/fs/readFile", path("a\0b"));
    fs.fails("INVALID_INPUT", "/fs/writeFile", write("a\0b"));
  }

  @Test
  void rootReachedThroughASymlinkStillConfines(Vertx vertx) throws Exception {
    Path alias = Files.createSymbolicLink(tmp.resolve("alias"), root);
    FsFixture viaAlias = new FsFixture(vertx, alias);
    Files.writeString(root.resolve("f"), "ok");
    assertEquals("ok", viaAlias.call("/fs/readFile", path(alias.resolve("f").toString())).getString("content"));
    viaAlias.fails("FORBIDDEN", "/fs/readFile", path("../outside/secret"));
    viaAlias.fails("FORBIDDEN", "/fs/readFile", path(alias.resolve("../outside/secret").toString()));
  }
}
