package dev.callmesh.protocol.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Globs of spoke= and allow=: '*' spans anything, '/' included; the rest is literal. */
class GlobTest {

  @Test
  void starMatchesAnyRunIncludingSlashes() {
    assertTrue(Glob.matches("*", ""));
    assertTrue(Glob.matches("*", "/dev1/fs/readFile"));
    assertTrue(Glob.matches("/dev1/*", "/dev1/fs/readFile"));
    assertTrue(Glob.matches("/dev1/*", "/dev1/"));
    assertFalse(Glob.matches("/dev1/*", "/dev1"));
    assertTrue(Glob.matches("/*/fs/read*", "/dev1/fs/readFile"));
    assertTrue(Glob.matches("/*/fs/read*", "/a/b/fs/read"));
    assertFalse(Glob.matches("/*/fs/read*", "/dev1/fs/writeFile"));
    assertTrue(Glob.matches("dev*", "dev1"));
    assertFalse(Glob.matches("dev*", "prod-dev1"));
    assertTrue(Glob.matches("a**b", "ab"));
    assertTrue(Glob.matches("*a*", "banana"));
    assertFalse(Glob.matches("*x*", "banana"));
  }

  @Test
  void everythingElseIsLiteral() {
    assertTrue(Glob.matches("dev1", "dev1"));
    assertFalse(Glob.matches("dev1", "dev12"));
    assertFalse(Glob.matches("dev?", "dev1"));
    assertTrue(Glob.matches("dev?", "dev?"));
    assertFalse(Glob.matches("[a-z]*", "abc"));
    assertFalse(Glob.matches(".*", "abc"));
    assertFalse(Glob.matches("", "a"));
    assertTrue(Glob.matches("", ""));
    assertFalse(Glob.matches(null, "a"));
    assertFalse(Glob.matches("*", null));
    assertFalse(Glob.matches("DEV1", "dev1"));
  }

  @Test
  void pathologicalPatternsRunFast() {
    String text = "a".repeat(100_000);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      assertFalse(Glob.matches("*a*a*a*a*a*a*a*b", text));
      assertTrue(Glob.matches("*a*a*a*a*a*a*a*a", text));
      assertFalse(Glob.matches("a*".repeat(50) + "b", "a".repeat(5_000)));
    });
  }
}
