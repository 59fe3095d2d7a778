package dev.callmesh.protocol.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label syntax, pinning and matching. */
class LabelsTest {

  @Test
  void aListParsesInOrderAndBlanksAroundItemsAreDropped() {
    assertEquals(List.of("role", "region"), List.copyOf(Labels.parse(" role=ci , region=eu-west.1").keySet()));
    assertEquals(Map.of("role", "ci", "region", "eu-west.1"), Labels.parse("role=ci,region=eu-west.1"));
    assertEquals(Map.of(), Labels.parse(""));
    assertEquals(Map.of(), Labels.parse(null));
  }

  @Test
  void eachBadItemIsNamed() {
    for (String bad : List.of("role", "=ci", "role=", "ro le=ci", "role=c/i", "k=" + "v".repeat(64), "é=1")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Labels.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("label"), e.getMessage());
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Labels.parse("a=1,b c=2")).getMessage().contains("b c"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Labels.MAX; i++) {
      many.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
    }
    assertThrows(IllegalArgumentException.class, () -> Labels.parse(many.toString()));
  }

  @Test
  void pinnedLabelsWinOverClaimedOnesForTheSameKeys() {
    Map<String, String> merged = Labels.merge(Map.of("role", "web", "zone", "a"), Map.of("role", "ci"));
    assertEquals(Map.of("role", "ci", "zone", "a"), merged);
    assertEquals(List.of("role", "zone"), List.copyOf(merged.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> merged.put("x", "y"));
  }

  @Test
  void aSpokeMatchesWhenItHasEveryWantedLabel() {
    Map<String, String> have = Map.of("role", "ci", "region", "eu");
    assertTrue(Labels.matches(have, Map.of()));
    assertTrue(Labels.matches(have, Map.of("role", "ci")));
    assertTrue(Labels.matches(have, have));
    assertFalse(Labels.matches(have, Map.of("role", "web")));
    assertFalse(Labels.matches(have, Map.of("role", "ci", "gpu", "yes")));
  }
}
