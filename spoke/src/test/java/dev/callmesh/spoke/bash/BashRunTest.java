package dev.callmesh.spoke.bash;

import dev.callmesh.operations.OperationHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.TestWorkers;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies {@code /bash/run} against real bash processes: collected output, the cap, timeout and abort. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BashRunTest {

  @TempDir
  Path root;
  OperationHandler run;
  TestContext ctx;
  SpokeWorkers workers;

  @BeforeEach
  void setUp(Vertx vertx) {
    workers = TestWorkers.create(vertx);
    run = BashOperations.run(root, workers);
    ctx = new TestContext(vertx);
  }

  @AfterEach
  void tearDown() {
    workers.close();
  }

  private static JsonObject await(Future<?> future) throws Exception {
    return (JsonObject) future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static CallException awaitFailure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    return assertInstanceOf(CallException.class, e.getCause());
  }

  @Test
  void returnsExitCodeAndBothStreams() throws Exception {
    JsonObject out = await(run.handle(ctx, new JsonObject()
        .put("command", "echo \"$X\"; cat; echo oops >&2; exit 4").put("env", new JsonObject().put("X", "ex"))
        .put("stdin", "from stdin\n")));
    assertEquals(new JsonObject().put("exitCode", 4).put("stdout", "ex\nfrom stdin\n").put("stderr", "oops\n")
        .put("truncated", false), out);
  }

  @Test
  void eachStreamIsCappedAtOneMebibyteAndStillDrained() throws Exception {
    JsonObject out = await(run.handle(ctx, new JsonObject()
        .put("command", "head -c 3000000 /dev/zero | tr '\\0' a; echo small >&2; echo after")));
    assertEquals(OutputCollector.DEFAULT_CAP, out.getString("stdout").length());
    assertEquals("small\n", out.getString("stderr"));
    assertTrue(out.getBoolean("truncated"));
    assertEquals(0, out.getInteger("exitCode"), "the command ran to its end");
  }

  @Test
  void aCutCharacterIsLeftOutWhole(Vertx vertx) throws Exception {
    OperationHandler small = BashOperations.run(root, workers, 4);
    JsonObject out = await(small.handle(ctx, new JsonObject().put("command", "printf 'abcé'")));
    assertEquals("abc", out.getString("stdout"));
    assertTrue(out.getBoolean("truncated"));
    JsonObject exact = await(small.handle(ctx, new JsonObject().put("command", "printf 'abé'")));
    assertEquals("abé", exact.getString("stdout"));
    assertFalse(exact.getBoolean("truncated"));
  }

  @Test
  void timeoutFailsAndKillsTheTree() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    CallException error = awaitFailure(run.handle(ctx, new JsonObject()
        .put("command", "sleep 4248 & sleep 4249; wait").put("timeoutMs", 500)));
    assertTrue(error.is(ErrorCode.TIMEOUT), error.toString());
    assertTrue(Processes.goneWithin(3000, since, "sleep 4248", "sleep 4249"));
  }

  @Test
  void abortKillsTheTree() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    Future<?> result = run.handle(ctx, new JsonObject().put("command", "sleep 4250 & sleep 4251; wait"));
    assertTrue(Processes.presentWithin(5000, since, "sleep 4250", "sleep 4251"));
    ctx.abort("test");
    assertTrue(awaitFailure(result).is(ErrorCode.ABORTED));
    assertTrue(Processes.goneWithin(3000, since, "sleep 4250", "sleep 4251"));
  }

  @Test
  void aBadCwdFailsTheCall() {
    assertTrue(awaitFailure(run.handle(ctx, new JsonObject().put("command", "pwd").put("cwd", "../x")))
        .is(ErrorCode.FORBIDDEN));
  }
}
