package dev.callmesh.spoke.fs;

import dev.callmesh.spoke.testing.TestWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies what each fs operation does inside the root, and the domain errors it answers with. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FsOperationsTest {

  @TempDir
  Path root;
  FsFixture fs;

  @BeforeEach
  void setUp(Vertx vertx) {
    fs = new FsFixture(vertx, root);
  }

  private static JsonObject in(Object... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      o.put((String) kv[i], kv[i + 1]);
    }
    return o;
  }

  @Test
  void utf8WriteThenReadRoundTrips() throws Exception {
    assertEquals(10, fs.call("/fs/writeFile", in("path", "a.txt", "content", "héllo ✓")).getLong("size"));
    JsonObject out = fs.call("/fs/readFile", in("path", "a.txt"));
    assertEquals("héllo ✓", out.getString("content"));
    assertEquals("utf8", out.getString("encoding"));
    assertEquals(10, out.getLong("size"), "size counts UTF-8 bytes");
    Instant.parse(out.getString("modifiedAt"));
    assertNull(out.getValue("lossy"));
  }

  @Test
  void base64WriteThenReadRoundTripsBinary() throws Exception {
    byte[] bytes = {0, (byte) 0xff, 1, (byte) 0x80, 'x'};
    String b64 = Base64.getEncoder().encodeToString(bytes);
    fs.call("/fs/writeFile", in("path", "bin", "content", b64, "encoding", "base64"));
    assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(root.resolve("bin"))));
    JsonObject out = fs.call("/fs/readFile", in("path", "bin", "encoding", "base64"));
    assertEquals(b64, out.getString("content"));
    assertEquals("base64", out.getString("encoding"));
  }

  @Test
  void invalidUtf8IsReplacedAndFlaggedLossy() throws Exception {
    Files.write(root.resolve("bad"), new byte[] {'a', (byte) 0xff, 'b'});
    JsonObject out = fs.call("/fs/readFile", in("path", "bad"));
    assertEquals("a\uFFFDb", out.getString("content"));
    assertEquals(Boolean.TRUE, out.getBoolean("lossy"));
  }

  @Test
  void badBase64IsInvalidInput() throws Exception {
    fs.fails("INVALID_INPUT", "/fs/writeFile", in("path", "x", "content", "not base64!", "encoding", "base64"));
    assertFalse(Files.exists(root.resolve("x")));
  }

  @Test
  void appendAddsToTheEnd() throws Exception {
    fs.call("/fs/writeFile", in("path", "log", "content", "one\n"));
    assertEquals(8, fs.call("/fs/writeFile", in("path", "log", "content", "two\n", "append", true)).getLong("size"));
    assertEquals("one\ntwo\n", Files.readString(root.resolve("log")));
    assertEquals(3, fs.call("/fs/writeFile", in("path", "log", "content", "new")).getLong("size"), "replaces");
    fs.call("/fs/writeFile", in("path", "fresh", "content", "x", "append", true));
    assertEquals("x", Files.readString(root.resolve("fresh")), "append creates a missing file");
  }

  @Test
  void missingParentNeedsCreateDirs() throws Exception {
    fs.fails("FILE_NOT_FOUND", "/fs/writeFile", in("path", "d/e/f.txt", "content", "x"));
    fs.call("/fs/writeFile", in("path", "d/e/f.txt", "content", "x", "createDirs", true));
    assertEquals("x", Files.readString(root.resolve("d/e/f.txt")));
  }

  @Test
  void writeOntoADirectoryOrUnderAFileFails() throws Exception {
    Files.createDirectory(root.resolve("dir"));
    Files.writeString(root.resolve("file"), "x");
    fs.fails("IS_A_DIRECTORY", "/fs/writeFile", in("path", "dir", "content", "x"));
    fs.fails("NOT_A_DIRECTORY", "/fs/writeFile", in("path", "file/x", "content", "x"));
    fs.fails("NOT_A_DIRECTORY", "/fs/writeFile", in("path", "file/sub/x", "content", "x", "createDirs", true));
  }

  @Test
  void offsetAndLengthReadARange() throws Exception {
    Files.writeString(root.resolve("r"), "0123456789");
    JsonObject out = fs.call("/fs/readFile", in("path", "r", "offset", 2, "length", 3));
    assertEquals("234", out.getString("content"));
    assertEquals(10, out.getLong("size"), "size is the whole file's");
    assertEquals("89", fs.call("/fs/readFile", in("path", "r", "offset", 8, "length", 100)).getString("content"));
    assertEquals("6789", fs.call("/fs/readFile", in("path", "r", "offset", 6)).getString("content"));
    assertEquals("", fs.call("/fs/readFile", in("path", "r", "offset", 50)).getString("content"));
    assertEquals("", fs.call("/fs/readFile", in("path", "r", "length", 0)).getString("content"));
  }

  @Test
  void readRefusesMoreThan16MiBButAllowsARangeOfIt() throws Exception {
    try (var f = new java.io.RandomAccessFile(root.resolve("big").toFile(), "rw")) {
      f.setLength(FsReadOps.MAX_READ_BYTES + 1);
    }
    fs.fails("RESOURCE_EXHAUSTED", "/fs/readFile", in("path", "big"));
    JsonObject out = fs.call("/fs/readFile", in("path", "big", "offset", 1, "encoding", "base64"));
    assertEquals(FsReadOps.MAX_READ_BYTES, Base64.getDecoder().decode(out.getString("content")).length);
  }

  @Test
  void readErrors() throws Exception {
    fs.fails("FILE_NOT_FOUND", "/fs/readFile", in("path", "nope.txt"));
    Files.createDirectory(root.resolve("dir"));
    fs.fails("IS_A_DIRECTORY", "/fs/readFile", in("path", "dir"));
    fs.fails("IS_A_DIRECTORY", "/fs/readFile", in("path", "."));
  }

  @Test
  void statDescribesFilesDirectoriesAndLinks() throws Exception {
    Path f = Files.writeString(root.resolve("f.txt"), "12345");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Files.createDirectory(root.resolve("d"));
    Files.createSymbolicLink(root.resolve("link"), Path.of("f.txt"));

    JsonObject file = fs.call("/fs/stat", in("path", "f.txt"));
    assertEquals("f.txt", file.getString("path"));
    assertEquals("file", file.getString("type"));
    assertEquals(5, file.getLong("size"));
    assertEquals("0640", file.getString("mode"));
    Instant.parse(file.getString("modifiedAt"));

    assertEquals("directory", fs.call("/fs/stat", in("path", "d")).getString("type"));
    assertEquals(".", fs.call("/fs/stat", in("path", ".")).getString("path"));
    JsonObject link = fs.call("/fs/stat", in("path", "link"));
    assertEquals("symlink", link.getString("type"), "a final symlink is not followed");
    assertEquals("link", link.getString("path"));
    fs.fails("FILE_NOT_FOUND", "/fs/stat", in("path", "missing"));
  }

  @Test
  void listIsSortedDepthLimitedAndDoesNotFollowLinks() throws Exception {
    Files.createDirectories(root.resolve("b/c/d"));
    Files.writeString(root.resolve("a.txt"), "aa");
    Files.writeString(root.resolve("b/x"), "x");
    Files.writeString(root.resolve("b/c/d/deep"), "x");
    Files.createSymbolicLink(root.resolve("lnk"), root.resolve("b"));

    JsonObject one = fs.call("/fs/list", in("path", "."));
    assertEquals(List.of("a.txt", "b", "lnk"), paths(one.getJsonArray("entries")));
    assertFalse(one.getBoolean("truncated"));
    JsonObject a = one.getJsonArray("entries").getJsonObject(0);
    assertEquals("a.txt", a.getString("name"));
    assertEquals("file", a.getString("type"));
    assertEquals(2, a.getLong("size"));
    assertEquals("symlink", one.getJsonArray("entries").getJsonObject(2).getString("type"));

    JsonObject two = fs.call("/fs/list", in("path", ".", "depth", 2));
    assertEquals(List.of("a.txt", "b", "b/c", "b/x", "lnk"), paths(two.getJsonArray("entries")));
    JsonObject sub = fs.call("/fs/list", in("path", "b", "depth", 32));
    assertEquals(List.of("b/c", "b/c/d", "b/c/d/deep", "b/x"), paths(sub.getJsonArray("entries")));
    assertEquals("deep", sub.getJsonArray("entries").getJsonObject(2).getString("name"));

    fs.fails("NOT_A_DIRECTORY", "/fs/list", in("path", "a.txt"));
    fs.fails("FILE_NOT_FOUND", "/fs/list", in("path", "zzz"));
  }

  private static List<String> paths(JsonArray entries) {
    return entries.stream().map(e -> ((JsonObject) e).getString("path")).toList();
  }

  @Test
  void mkdirWithAndWithoutParents() throws Exception {
    JsonObject out = fs.call("/fs/mkdir", in("path", "new"));
    assertEquals("new", out.getString("path"));
    assertTrue(out.getBoolean("created"));
    assertTrue(Files.isDirectory(root.resolve("new")));
    fs.fails("FILE_EXISTS", "/fs/mkdir", in("path", "new"));
    assertFalse(fs.call("/fs/mkdir", in("path", "new", "parents", true)).getBoolean("created"));
    fs.fails("FILE_NOT_FOUND", "/fs/mkdir", in("path", "p/q/r"));
    assertTrue(fs.call("/fs/mkdir", in("path", "p/q/r", "parents", true)).getBoolean("created"));
    assertTrue(Files.isDirectory(root.resolve("p/q/r")));
    Files.writeString(root.resolve("file"), "x");
    fs.fails("FILE_EXISTS", "/fs/mkdir", in("path", "file", "parents", true));
    fs.fails("NOT_A_DIRECTORY", "/fs/mkdir", in("path", "file/sub"));
    fs.fails("NOT_A_DIRECTORY", "/fs/mkdir", in("path", "file/sub/deeper", "parents", true));
  }

  @Test
  void removeFilesAndDirectories() throws Exception {
    Files.writeString(root.resolve("f"), "x");
    assertEquals(1, fs.call("/fs/remove", in("path", "f")).getInteger("removed"));
    assertFalse(Files.exists(root.resolve("f")));
    fs.fails("FILE_NOT_FOUND", "/fs/remove", in("path", "f"));

    Files.createDirectory(root.resolve("empty"));
    assertEquals(1, fs.call("/fs/remove", in("path", "empty")).getInteger("removed"));

    Files.createDirectories(root.resolve("t/u"));
    Files.writeString(root.resolve("t/u/f1"), "x");
    Files.writeString(root.resolve("t/f2"), "x");
    fs.fails("IS_A_DIRECTORY", "/fs/remove", in("path", "t"));
    assertEquals(4, fs.call("/fs/remove", in("path", "t", "recursive", true)).getInteger("removed"));
    assertFalse(Files.exists(root.resolve("t")));

    fs.fails("FORBIDDEN", "/fs/remove", in("path", ".", "recursive", true));
    fs.fails("FORBIDDEN", "/fs/remove", in("path", root.toString(), "recursive", true));
    assertTrue(Files.isDirectory(root));
  }

  @Test
  void moveRenamesAndRespectsOverwrite() throws Exception {
    Files.writeString(root.resolve("a"), "A");
    Files.writeString(root.resolve("b"), "B");
    fs.fails("FILE_EXISTS", "/fs/move", in("from", "a", "to", "b"));
    JsonObject out = fs.call("/fs/move", in("from", "a", "to", "b", "overwrite", true));
    assertEquals("a", out.getString("from"));
    assertEquals("b", out.getString("to"));
    assertEquals("A", Files.readString(root.resolve("b")));
    assertFalse(Files.exists(root.resolve("a")));

    fs.fails("FILE_NOT_FOUND", "/fs/move", in("from", "a", "to", "c"));
    fs.fails("FILE_NOT_FOUND", "/fs/move", in("from", "b", "to", "no/dir/c"));
    Files.createDirectories(root.resolve("d/e"));
    fs.call("/fs/move", in("from", "b", "to", "d/e/b"));
    assertEquals("A", Files.readString(root.resolve("d/e/b")));
    fs.fails("INVALID_INPUT", "/fs/move", in("from", "d", "to", "d/e/inside"));
    fs.call("/fs/move", in("from", "d", "to", "d2"));
    assertTrue(Files.exists(root.resolve("d2/e/b")));
    fs.fails("FORBIDDEN", "/fs/move", in("from", ".", "to", "x"));
  }

  @Test
  void handlersCoverTheSpecsOfFsExceptWatch(Vertx vertx) {
    List<String> names = dev.callmesh.operations.StandardSpecs.namespace("fs").stream()
        .map(dev.callmesh.operations.OperationSpec::name).filter(n -> !n.equals("/fs/watch")).toList();
    assertEquals(new java.util.HashSet<>(names), FsOperations.handlers(root, TestWorkers.create(vertx)).keySet());
  }

  @Test
  void filesWrittenAreUtf8Text() throws Exception {
    fs.call("/fs/writeFile", in("path", "u", "content", "ß"));
    assertEquals(List.of((byte) 0xc3, (byte) 0x9f), toList(Files.readAllBytes(root.resolve("u"))));
    assertEquals("ß", new String(Files.readAllBytes(root.resolve("u")), StandardCharsets.UTF_8));
  }

  private static List<Byte> toList(byte[] b) {
    Byte[] boxed = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      boxed[i] = b[i];
    }
    return List.of(boxed);
  }
}
