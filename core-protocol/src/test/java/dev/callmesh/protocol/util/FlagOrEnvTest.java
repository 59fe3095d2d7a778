package dev.callmesh.protocol.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flag wins over the environment; nothing set leaves the default alone. (PATH stands in for a set variable.) */
class FlagOrEnvTest {

  private static final String UNSET = "CALLMESH_TEST_SURELY_UNSET_" + System.nanoTime();

  @Test
  void theFlagWinsThenTheEnvironmentThenNothing() {
    assertEquals("flag", FlagOrEnv.string("flag", "PATH"));
    assertEquals(System.getenv("PATH").trim(), FlagOrEnv.string(null, "PATH"));
    assertNull(FlagOrEnv.string(null, UNSET));
    assertEquals(7, FlagOrEnv.value(7, UNSET, Integer::valueOf));
    List<Integer> set = new ArrayList<>();
    FlagOrEnv.apply(null, UNSET, Integer::valueOf, set::add);
    assertEquals(List.of(), set);
    FlagOrEnv.apply(3, UNSET, Integer::valueOf, set::add);
    assertEquals(List.of(3), set);
  }
}
