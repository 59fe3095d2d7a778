package dev.callmesh.spoke.bash;

import dev.callmesh.spoke.testing.TestWorkers;
import dev.callmesh.spoke.work.SpokeWorkers;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Verifies how a process tree is started and killed, with and without {@code setsid}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(VertxExtension.class)
class ProcessTreeTest {

  @TempDir
  Path root;
  SpokeWorkers workers;

  @BeforeEach
  void setUp(Vertx vertx) {
    workers = TestWorkers.create(vertx);
  }

  private BashRequest request(String command) {
    return new BashRequest(command, root, BashEnvironment.build(System.getenv(), null), null, 0);
  }

  @Test
  void withSetsidBashLeadsItsOwnProcessGroup() throws Exception {
    assertNotNull(ProcessTree.setsid(), "the test machine has setsid (util-linux)");
    ProcessTree tree = ProcessTree.start(request("ps -o pgid= -p $$"), workers);
    String pgid = new String(tree.process().getInputStream().readAllBytes()).trim();
    assertEquals(0, tree.process().waitFor());
    assertEquals(String.valueOf(tree.process().pid()), pgid, "bash's pid is its group id");
  }

  @Test
  void withoutSetsidBashStaysInTheSpokesGroupAndItsDescendantsAreStillKilled() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    ProcessTree tree = ProcessTree.start(request("ps -o pgid= -p $$; sleep 4252 & sleep 4253; wait"), workers, null);
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(tree.process().getInputStream()));
      String pgid = out.readLine().trim();
      assertNotEquals(String.valueOf(tree.process().pid()), pgid);
      assertTrue(Processes.presentWithin(5000, since, "sleep 4252", "sleep 4253"));
    } finally {
      tree.kill();
    }
    assertTrue(Processes.goneWithin(3000, since, "sleep 4252", "sleep 4253"));
    assertTrue(tree.process().waitFor(3, TimeUnit.SECONDS));
  }

  @Test
  void killAllKillsEveryLiveTree() throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    ProcessTree.start(request("sleep 4254 & sleep 4255; wait"), workers);
    assertTrue(Processes.presentWithin(5000, since, "sleep 4254", "sleep 4255"));
    ProcessTree.killAllNow();
    assertTrue(Processes.goneWithin(3000, since, "sleep 4254", "sleep 4255"));
  }

  @Test
  void killAllOfOneSpokeKillsItsTreesOnly(Vertx vertx) throws Exception {
    Instant since = Instant.now().minusSeconds(1);
    SpokeWorkers other = TestWorkers.create(vertx);
    ProcessTree.start(request("trap '' TERM; sleep 4256 & sleep 4257; wait"), workers);
    ProcessTree others = ProcessTree.start(request("sleep 4258"), other);
    try {
      assertTrue(Processes.presentWithin(5000, since, "sleep 4256", "sleep 4257", "sleep 4258"));
      BashOperations.killAll(workers);
      assertTrue(Processes.goneWithin(1000, since, "sleep 4256", "sleep 4257"),
          "a closing spoke's trees are gone when killAll returns, TERM ignored or not");
      assertTrue(Processes.presentWithin(100, since, "sleep 4258"), "another spoke's command runs on");
    } finally {
      others.kill();
    }
    assertTrue(Processes.goneWithin(3000, since, "sleep 4258"));
  }

  @Test
  void theEnvironmentIsExactlyTheRequests() throws Exception {
    ProcessTree tree = ProcessTree.start(new BashRequest("env", root, Map.of("ONLY", "this"), null, 0), workers);
    String env = new String(tree.process().getInputStream().readAllBytes());
    assertTrue(env.contains("ONLY=this\n"), env);
    assertTrue(!env.contains("CALLMESH_"), env);
  }
}
