package dev.callmesh.spoke.search;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.TestWorkers;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /search/files}: glob rules, order, .gitignore, truncation, errors. */
@Timeout(30)
class FilesTest {

  private static Vertx vertx;
  private static SpokeWorkers workers;

  @TempDir
  Path root;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    workers = TestWorkers.create(vertx);
  }

  @AfterAll
  static void stopVertx() throws Exception {
    workers.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void tree() throws IOException {
    for (String f : List.of("README.md", "a-b/x.md", "a/b.md", "a/c/d.md", "a/c/e.txt", "src/Main.java",
        "src/util/Util.java", ".git/HEAD.md", "ignored/z.md", "notes.log.md")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
    Files.writeString(root.resolve(".gitignore"), "ignored/\n");
  }

  private JsonObject files(JsonObject input) throws Exception {
    return (JsonObject) SearchOperations.files(root, workers).handle(new TestContext(vertx), input)
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private List<Object> paths(JsonObject input) throws Exception {
    return files(input).getJsonArray("paths").getList();
  }

  @Test
  void globWithoutSlashMatchesNamesAtAnyDepthInPathOrder() throws Exception {
    assertEquals(List.of("README.md", "a-b/x.md", "a/b.md", "a/c/d.md", "notes.log.md"),
        paths(new JsonObject().put("glob", "*.md")));
  }

  @Test
  void globWithSlashMatchesPathsRelativeToTheSearchPath() throws Exception {
    assertEquals(List.of("a/b.md"), paths(new JsonObject().put("glob", "a/*.md")));
    assertEquals(List.of("a/c/d.md", "a/c/e.txt"), paths(new JsonObject().put("glob", "c/*").put("path", "a")));
  }

  @Test
  void doubleStarCrossesDirectoriesAndAlsoMatchesAtTheTop() throws Exception {
    assertEquals(List.of("src/Main.java", "src/util/Util.java"), paths(new JsonObject().put("glob", "src/**")));
    assertEquals(List.of("src/util/Util.java"), paths(new JsonObject().put("glob", "src/**/*.java")));
    assertEquals(List.of("README.md", "a-b/x.md", "a/b.md", "a/c/d.md", "notes.log.md"),
        paths(new JsonObject().put("glob", "**/*.md")));
  }

  @Test
  void moreMatchesThanMaxResultsAreTruncated() throws Exception {
    JsonObject out = files(new JsonObject().put("glob", "*.md").put("maxResults", 2));
    assertEquals(new JsonArray().add("README.md").add("a-b/x.md"), out.getJsonArray("paths"));
    assertTrue(out.getBoolean("truncated"));
    JsonObject exact = files(new JsonObject().put("glob", "*.md").put("maxResults", 5));
    assertFalse(exact.getBoolean("truncated"));
  }

  @Test
  void errorsCarryTheirCodes() throws Exception {
    assertTrue(failure(new JsonObject().put("glob", "*").put("path", "..")).is(ErrorCode.FORBIDDEN));
    assertEquals("FILE_NOT_FOUND", failure(new JsonObject().put("glob", "*").put("path", "nope")).code());
    assertEquals("NOT_A_DIRECTORY", failure(new JsonObject().put("glob", "*").put("path", "README.md")).code());
    assertTrue(failure(new JsonObject().put("glob", "[a")).is(ErrorCode.INVALID_INPUT));
  }

  private CallException failure(JsonObject input) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> files(input));
    return assertInstanceOf(CallException.class, e.getCause());
  }
}
