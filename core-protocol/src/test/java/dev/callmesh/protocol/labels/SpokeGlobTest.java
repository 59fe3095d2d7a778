package dev.callmesh.protocol.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Spoke globs: what they may contain, and that they match as the rule says (* any run, ? one character). */
class SpokeGlobTest {

  @Test
  void starAndQuestionMarkMatchRunsAndSingleCharacters() {
    assertTrue(SpokeGlob.parse("dev*").matches("dev1"));
    assertTrue(SpokeGlob.parse("dev*").matches("dev"));
    assertFalse(SpokeGlob.parse("dev*").matches("prod1"));
    assertTrue(SpokeGlob.parse("ci-?").matches("ci-1"));
    assertFalse(SpokeGlob.parse("ci-?").matches("ci-"));
    assertFalse(SpokeGlob.parse("ci-?").matches("ci-12"));
    assertTrue(SpokeGlob.parse("*-eu-*").matches("web-eu-3"));
    assertFalse(SpokeGlob.parse("*-eu-*").matches("web-us-3"));
    assertTrue(SpokeGlob.parse("*").matches("anything-1"));
    assertTrue(SpokeGlob.ALL.matches("x"));
    assertTrue(SpokeGlob.parse("exact").matches("exact"));
    assertFalse(SpokeGlob.parse("exact").matches("exactly"));
    assertFalse(SpokeGlob.parse("exact").matches("exac"));
    assertFalse(SpokeGlob.parse("*").matches(null));
  }

  @Test
  void anythingButNameCharactersStarAndQuestionMarkIsRefusedAndNamed() {
    for (String bad : new String[] {"Dev*", "dev/1", "dev[12]", "dev 1", "dev.1", "dev_1", "/dev1/*", "dev\n1", "dév"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpokeGlob.parse(bad), bad);
      assertTrue(e.getMessage().contains("spoke glob") && e.getMessage().contains("position"), e.getMessage());
    }
    IllegalArgumentException upper = assertThrows(IllegalArgumentException.class, () -> SpokeGlob.parse("devX"));
    assertTrue(upper.getMessage().contains("'X' at position 4"), upper.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SpokeGlob.parse("")).getMessage().contains("empty"));
    assertThrows(IllegalArgumentException.class, () -> SpokeGlob.parse(null));
    assertThrows(IllegalArgumentException.class, () -> SpokeGlob.parse("a".repeat(SpokeGlob.MAX_LENGTH + 1)));
    assertEquals("a".repeat(SpokeGlob.MAX_LENGTH), SpokeGlob.parse("a".repeat(SpokeGlob.MAX_LENGTH)).toString());
  }

  @Test
  void agreesWithTheRuleAsARegularExpressionOnRandomGlobsAndNames() {
    Random random = new Random(7);
    char[] globChars = "ab-*?".toCharArray();
    char[] nameChars = "ab-".toCharArray();
    for (int i = 0; i < 100_000; i++) {
      String glob = random(random, globChars, 1 + random.nextInt(7));
      String name = random(random, nameChars, 1 + random.nextInt(8));
      Pattern rule = Pattern.compile(glob.replace("*", "[a-z0-9-]*").replace("?", "[a-z0-9-]"));
      assertEquals(rule.matcher(name).matches(), SpokeGlob.parse(glob).matches(name), glob + " ~ " + name);
    }
  }

  @Test
  void manyStarsDoNotBacktrackExponentially() {
    SpokeGlob glob = SpokeGlob.parse("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
    String name = "a".repeat(63);
    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> assertFalse(glob.matches(name)));
  }

  private static String random(Random random, char[] alphabet, int n) {
    char[] s = new char[n];
    for (int j = 0; j < n; j++) {
      s[j] = alphabet[random.nextInt(alphabet.length)];
    }
    return new String(s);
  }
}
