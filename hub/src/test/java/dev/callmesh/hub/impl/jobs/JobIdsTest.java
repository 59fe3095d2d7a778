package dev.callmesh.hub.impl.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Job ids: unguessable, URL-safe, and usable as a command-line argument. */
class JobIdsTest {

  @Test
  void idsAre144RandomBitsOfBase64UrlThatNeverStartLikeAnOption() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String id = JobService.newId();
      // A leading '-' made 'callmesh job watch ID' read the id as an option (1 id in 32).
      assertTrue(id.matches("[A-Za-z0-9][A-Za-z0-9_-]{23}"), id);
      seen.add(id);
    }
    assertEquals(20_000, seen.size());
  }
}
