package dev.callmesh.spoke.search;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.WorkersExtension;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /search/grep} on small trees: matching rules, filters, errors. */
@Timeout(30)
class GrepTest {

  @TempDir
  Path root;

  @RegisterExtension
  static final WorkersExtension POOLS = new WorkersExtension();

  private void write(String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private RecordingSink grep(JsonObject input) throws Exception {
    RecordingSink sink = new RecordingSink();
    SearchOperations.grep(root, POOLS.workers()).handle(new TestContext(null), input, sink);
    sink.awaitCompleted(20);
    return sink;
  }

  private List<String> hits(JsonObject input) throws Exception {
    return grep(input).values().stream()
        .map(o -> o.getString("path") + ":" + o.getInteger("line") + ":" + o.getInteger("column") + ":" + o.getString("text"))
        .toList();
  }

  private CallException failure(JsonObject input) throws Exception {
    RecordingSink sink = new RecordingSink();
    SearchOperations.grep(root, POOLS.workers()).handle(new TestContext(null), input, sink);
    return assertInstanceOf(CallException.class, sink.awaitEnd(20));
  }

  @Test
  void reportsLineColumnAndTextOfEachMatchingLine() throws Exception {
    write("a.txt", "nothing\r\nxx foo foo\nfoo\n");
    write("sub/b.txt", "last line foo without newline");
    assertEquals(List.of("a.txt:2:4:xx foo foo", "a.txt:3:1:foo", "sub/b.txt:1:11:last line foo without newline"),
        hits(new JsonObject().put("pattern", "foo")));
  }

  @Test
  void literalDoesNotTreatDotAsWildcardButRegexDoes() throws Exception {
    write("x.txt", "abc\na.c\n");
    assertEquals(List.of("x.txt:2:1:a.c"), hits(new JsonObject().put("pattern", "a.c").put("regex", false)));
    assertEquals(List.of("x.txt:1:1:abc", "x.txt:2:1:a.c"), hits(new JsonObject().put("pattern", "a.c")));
  }

  @Test
  void caseInsensitiveMatchesAnyCaseIncludingNonAscii() throws Exception {
    write("x.txt", "HELLO\nhello\nÉTÉ\nbye\n");
    assertEquals(List.of("x.txt:1:1:HELLO"), hits(new JsonObject().put("pattern", "HELLO")));
    assertEquals(List.of("x.txt:1:1:HELLO", "x.txt:2:1:hello"),
        hits(new JsonObject().put("pattern", "hello").put("caseSensitive", false)));
    assertEquals(List.of("x.txt:3:1:ÉTÉ"), hits(new JsonObject().put("pattern", "été").put("caseSensitive", false)));
  }

  @Test
  void gitignoreNestedFilesAndNegationAreHonored() throws Exception {
    write(".gitignore", "*.log\nbuild/\n");
    write("keep.txt", "hit\n");
    write("app.log", "hit\n");
    write("build/out.txt", "hit\n");
    write("sub/.gitignore", "!important.log\nlocal.txt\n");
    write("sub/important.log", "hit\n");
    write("sub/other.log", "hit\n");
    write("sub/local.txt", "hit\n");
    write("sub/deeper/local.txt", "hit\n");
    write("other/local.txt", "hit\n");
    assertEquals(List.of("keep.txt:1:1:hit", "other/local.txt:1:1:hit", "sub/important.log:1:1:hit"),
        hits(new JsonObject().put("pattern", "hit")));
  }

  @Test
  void gitignoreAboveTheSearchPathApplies() throws Exception {
    write(".gitignore", "*.log\n");
    write("sub/a.log", "hit\n");
    write("sub/a.txt", "hit\n");
    assertEquals(List.of("sub/a.txt:1:1:hit"), hits(new JsonObject().put("pattern", "hit").put("path", "sub")));
  }

  @Test
  void gitDirectoryAndBinaryFilesAreSkipped() throws Exception {
    write(".git/config", "hit\n");
    write(".git/objects/x", "hit\n");
    write("text.txt", "hit\n");
    Files.write(root.resolve("bin.dat"), new byte[] {'h', 'i', 't', '\n', 0, 1, 2});
    assertEquals(List.of("text.txt:1:1:hit"), hits(new JsonObject().put("pattern", "hit")));
  }

  @Test
  void symlinksAreNotFollowed() throws Exception {
    write("real/a.txt", "hit\n");
    Files.createSymbolicLink(root.resolve("link"), root.resolve("real"));
    Files.createSymbolicLink(root.resolve("file-link.txt"), root.resolve("real/a.txt"));
    assertEquals(List.of("real/a.txt:1:1:hit"), hits(new JsonObject().put("pattern", "hit")));
  }

  @Test
  void globWithoutSlashMatchesNamesAtAnyDepthAndWithSlashMatchesRelativePaths() throws Exception {
    write("a.java", "hit\n");
    write("a.txt", "hit\n");
    write("src/main/B.java", "hit\n");
    write("src/C.txt", "hit\n");
    assertEquals(List.of("a.java:1:1:hit", "src/main/B.java:1:1:hit"),
        hits(new JsonObject().put("pattern", "hit").put("glob", "*.java")));
    assertEquals(List.of("src/main/B.java:1:1:hit"),
        hits(new JsonObject().put("pattern", "hit").put("glob", "src/**/*.java")));
    assertEquals(List.of("src/main/B.java:1:1:hit"),
        hits(new JsonObject().put("pattern", "hit").put("path", "src").put("glob", "main/*.java")));
  }

  @Test
  void aFileAsPathSearchesJustThatFile() throws Exception {
    write("a.txt", "hit\n");
    write("b.txt", "hit\n");
    assertEquals(List.of("b.txt:1:1:hit"), hits(new JsonObject().put("pattern", "hit").put("path", "b.txt")));
  }

  @Test
  void longLinesAreShortened() throws Exception {
    write("long.txt", "hit" + "x".repeat(5000) + "\n");
    String text = grep(new JsonObject().put("pattern", "hit")).values().get(0).getString("text");
    assertEquals(GrepTask.MAX_TEXT_CHARS, text.length());
  }

  @Test
  void malformedUtf8IsReplacedNotFatal() throws Exception {
    Files.write(root.resolve("bad.txt"), new byte[] {'h', 'i', 't', (byte) 0xC3, '\n'});
    assertEquals(List.of("bad.txt:1:1:hit\uFFFD"), hits(new JsonObject().put("pattern", "hit")));
  }

  @Test
  void invalidRegexIsInvalidInputWithTheRegexError() throws Exception {
    CallException e = failure(new JsonObject().put("pattern", "a(b"));
    assertTrue(e.is(ErrorCode.INVALID_INPUT));
    assertTrue(e.getMessage().contains("Unclosed group"), e.getMessage());
  }

  @Test
  void pathOutsideTheRootIsForbidden() throws Exception {
    assertTrue(failure(new JsonObject().put("pattern", "x").put("path", "../")).is(ErrorCode.FORBIDDEN));
    assertTrue(failure(new JsonObject().put("pattern", "x").put("path", "/etc")).is(ErrorCode.FORBIDDEN));
  }

  @Test
  void missingPathIsFileNotFound() throws Exception {
    assertEquals("FILE_NOT_FOUND", failure(new JsonObject().put("pattern", "x").put("path", "nope")).code());
  }

  @Test
  void noMatchCompletesEmpty() throws Exception {
    write("a.txt", "abc\n");
    RecordingSink sink = grep(new JsonObject().put("pattern", "zzz"));
    assertTrue(sink.values().isEmpty());
    assertNull(sink.awaitEnd(0), "completed, not failed");
  }
}
