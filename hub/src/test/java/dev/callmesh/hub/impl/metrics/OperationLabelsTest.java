package dev.callmesh.hub.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.hub.SpokeInfo;
import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.OperationType;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Call labels come from what the hub knows: a made-up path never becomes a label value. */
class OperationLabelsTest {

  static final SpokeInfo DEV1 = new SpokeInfo("dev1", "dev1", Instant.EPOCH, "127.0.0.1:1", "tcp", List.of(
      new OperationSpec("/fs/readFile", "fs", OperationType.QUERY, "reads", new JsonObject(), null, null)), "hub1", Map.of(), null);
  static final Function<String, SpokeInfo> SPOKES = Map.of("dev1", DEV1)::get;
  static final Predicate<String> HUB_SERVES = "/services/list"::equals;

  static OperationLabels labels(String path) {
    return OperationLabels.resolve(path, SPOKES, HUB_SERVES);
  }

  @Test
  void anOperationOfAConnectedSpokeIsLabelledBySpokeAndRelativePath() {
    assertEquals(new OperationLabels("dev1", "/fs/readFile"), labels("/dev1/fs/readFile"));
    assertTrue(labels("/dev1/fs/readFile").known());
  }

  @Test
  void theHubsOwnOperationsAreLabelledSpokeHub() {
    assertEquals(new OperationLabels("hub", "/services/list"), labels("/services/list"));
    assertEquals(new OperationLabels("hub", "unknown"), labels("/hub/made-up"));
    assertEquals(new OperationLabels("hub", "unknown"), labels("/services/x"));
  }

  @Test
  void madeUpPathsFoldToUnknown() {
    assertEquals(new OperationLabels("dev1", "unknown"), labels("/dev1/fs/nosuch"));
    assertEquals(OperationLabels.NOWHERE, labels("/dev9/fs/readFile"));
    assertEquals(OperationLabels.NOWHERE, labels("/random-" + System.nanoTime() + "/x"));
    assertEquals(OperationLabels.NOWHERE, labels("/dev1"));
    assertEquals(OperationLabels.NOWHERE, labels("dev1/fs/readFile"));
    assertEquals(OperationLabels.NOWHERE, labels(""));
    assertFalse(labels("/dev1/fs/nosuch").known());
    assertFalse(OperationLabels.OVERFLOW.known());
  }
}
