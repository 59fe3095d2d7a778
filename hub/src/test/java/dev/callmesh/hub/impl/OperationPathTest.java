package dev.callmesh.hub.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The per-call path check agrees with the rule as a regular expression, on chosen and random paths. */
class OperationPathTest {

  /** The rule: segments of URL-safe characters behind slashes, none of them "." or "..". */
  private static final Pattern RULE = Pattern.compile("^(/(?!\\.\\.?(/|$))[A-Za-z0-9._~-]+)+$");

  @Test
  void chosenPaths() {
    for (String ok : new String[] {"/dev1/fs/readFile", "/a", "/.x", "/..x/y", "/x./y..", "/a~b_c-d.e"}) {
      assertTrue(HubRouter.isOperationPath(ok), ok);
    }
    for (String bad : new String[] {"", "/", "a/b", "/a/", "//a", "/a//b", "/./a", "/a/..", "/a/../b", "/a b", "/é", "/a?b"}) {
      assertFalse(HubRouter.isOperationPath(bad), bad);
    }
  }

  @Test
  void agreesWithTheRuleOnRandomPaths() {
    Random random = new Random(42);
    char[] alphabet = "/..ab-_~ %".toCharArray();
    for (int i = 0; i < 200_000; i++) {
      char[] s = new char[random.nextInt(8)];
      for (int j = 0; j < s.length; j++) {
        s[j] = alphabet[random.nextInt(alphabet.length)];
      }
      String path = new String(s);
      assertEquals(RULE.matcher(path).matches(), HubRouter.isOperationPath(path), path);
    }
  }
}
