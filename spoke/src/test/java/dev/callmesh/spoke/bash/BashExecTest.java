package dev.callmesh.spoke.bash;

import dev.callmesh.operations.SubscriptionHandler;
import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.spoke.fs.FsErrors;
import dev.callmesh.spoke.testing.RecordingSink;
import dev.callmesh.spoke.testing.TestContext;
import dev.callmesh.spoke.testing.TestWorkers;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies {@code /bash/exec} against real bash processes: streaming, pipes, cwd, env and exit codes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BashExecTest {

  @TempDir
  Path root;
  SubscriptionHandler exec;
  TestContext ctx;
  SpokeWorkers workers;

  @BeforeEach
  void setUp(Vertx vertx) {
    workers = TestWorkers.create(vertx);
    exec = BashOperations.exec(root, workers);
    ctx = new TestContext(vertx);
  }

  @AfterEach
  void tearDown() {
    workers.close();
  }

  private RecordingSink run(JsonObject input) throws Exception {
    RecordingSink sink = new RecordingSink();
    exec.handle(ctx, input, sink);
    sink.awaitCompleted(20);
    return sink;
  }

  private CallException failure(JsonObject input) throws Exception {
    RecordingSink sink = new RecordingSink();
    exec.handle(ctx, input, sink);
    return assertInstanceOf(CallException.class, sink.awaitEnd(20));
  }

  private static JsonObject command(String command) {
    return new JsonObject().put("command", command);
  }

  @Test
  void outputStreamsBeforeTheCommandEnds() throws Exception {
    RecordingSink sink = run(command("for i in 1 2 3; do echo $i; sleep 0.3; done"));
    List<RecordingSink.Output> outputs = sink.outputs();
    RecordingSink.Output first = outputs.get(0);
    RecordingSink.Output last = outputs.get(outputs.size() - 1);
    assertEquals("1\n", first.value().getString("data"));
    assertEquals(0, last.value().getInteger("exitCode"));
    long gapMs = (last.atNanos() - first.atNanos()) / 1_000_000;
    assertTrue(gapMs >= 450, "the first line must arrive well before the end, gap was " + gapMs + " ms");
    assertEquals("1\n2\n3\n", sink.text("stdout"));
  }

  @Test
  void stdoutAndStderrAreToldApart() throws Exception {
    RecordingSink sink = run(command("echo out; echo err >&2; echo out2"));
    assertEquals("out\nout2\n", sink.text("stdout"));
    assertEquals("err\n", sink.text("stderr"));
    assertEquals(0, sink.exitCode());
  }

  @Test
  void stdinIsWrittenThenClosed() throws Exception {
    RecordingSink sink = run(command("tr a-z A-Z; echo done").put("stdin", "héllo\nworld"));
    assertEquals("HéLLO\nWORLDdone\n", sink.text("stdout"));
  }

  @Test
  void withoutStdinReadersSeeEndOfFile() throws Exception {
    RecordingSink sink = run(command("cat; read x; echo \"read=$?\""));
    assertEquals("read=1\n", sink.text("stdout"));
  }

  @Test
  void envIsAddedToTheSpokesEnvironment() throws Exception {
    RecordingSink sink = run(command("echo \"$GREETING $NAME\"; test -n \"$PATH\" && echo has-path")
        .put("env", new JsonObject().put("GREETING", "hello").put("NAME", "wörld")));
    assertEquals("hello wörld\nhas-path\n", sink.text("stdout"));
  }

  @Test
  void cwdDefaultsToTheRootAndMayBeASubdirectory() throws Exception {
    Files.createDirectories(root.resolve("sub/dir"));
    assertEquals(root.toRealPath() + "\n", run(command("pwd")).text("stdout"));
    assertEquals(root.toRealPath().resolve("sub/dir") + "\n", run(command("pwd").put("cwd", "sub/dir")).text("stdout"));
    assertEquals(root.toRealPath().resolve("sub") + "\n",
        run(command("pwd").put("cwd", root.resolve("sub").toString())).text("stdout"));
  }

  @Test
  void cwdOutsideTheRootIsForbidden() throws Exception {
    assertTrue(failure(command("pwd").put("cwd", "..")).is(ErrorCode.FORBIDDEN));
    assertTrue(failure(command("pwd").put("cwd", "/tmp")).is(ErrorCode.FORBIDDEN));
  }

  @Test
  void cwdThatIsMissingOrAFileIsRefused() throws Exception {
    Files.writeString(root.resolve("file.txt"), "x");
    assertEquals(FsErrors.FILE_NOT_FOUND.wire(), failure(command("pwd").put("cwd", "nope")).code());
    assertEquals(FsErrors.NOT_A_DIRECTORY.wire(), failure(command("pwd").put("cwd", "file.txt")).code());
  }

  @Test
  void exitCodesAreTheProcesss() throws Exception {
    assertEquals(3, run(command("exit 3")).exitCode());
    assertEquals(143, run(command("kill -TERM $$")).exitCode(), "killed by signal 15: 128+15");
  }

  @Test
  void anUnknownCommandExitsWith127() throws Exception {
    RecordingSink sink = run(command("no-such-command-callmesh"));
    assertEquals(127, sink.exitCode());
    assertTrue(sink.text("stderr").contains("command not found"), sink.text("stderr"));
  }

  @Test
  void exitCodeComesLastAfterAllOutput() throws Exception {
    RecordingSink sink = run(command("head -c 300000 /dev/zero | tr '\\0' a; echo; echo end >&2"));
    assertEquals(300001, sink.text("stdout").length());
    assertEquals("end\n", sink.text("stderr"));
    for (RecordingSink.Output o : sink.outputs()) {
      assertTrue(o.value().getString("data") == null || o.value().getString("data").length() <= 16 * 1024);
    }
    assertEquals(0, sink.exitCode());
  }
}
