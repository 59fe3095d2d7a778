package dev.callmesh.hub.impl.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Operation paths become tool names and back: exactly for paths without dots, never to something no path is. */
class ToolNamesTest {

  @Test
  void aPathBecomesItsToolNameAndBack() {
    for (String path : new String[] {"/dev1/fs/readFile", "/dev1/bash/run", "/services/list", "/hub/spokes/watch",
        "/a", "/w-1/x_y/Z~9"}) {
      String name = ToolNames.toolName(path);
      assertEquals(path, ToolNames.path(name), name);
    }
    assertEquals("dev1.fs.readFile", ToolNames.toolName("/dev1/fs/readFile"));
    assertEquals("/dev1/fs/readFile", ToolNames.path("dev1.fs.readFile"));
  }

  @Test
  void aNameThatNoPathHasMapsToNothing() {
    for (String bad : new String[] {"", ".", ".dev1", "dev1.", "dev1..fs", "dev1/fs", "dev1.fs read", "é", "a?b",
        "x".repeat(1024)}) {
      assertNull(ToolNames.path(bad), bad);
    }
    assertNull(ToolNames.path(null));
  }

  @Test
  void aDotInASegmentDoesNotSurviveTheWayBack() {
    // Why the endpoint looks a name up in the session's last tools/list before mapping it back.
    assertEquals("dev1.v1.2.get", ToolNames.toolName("/dev1/v1.2/get"));
    assertEquals("/dev1/v1/2/get", ToolNames.path("dev1.v1.2.get"));
  }
}
