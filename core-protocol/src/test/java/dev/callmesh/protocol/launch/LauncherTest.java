package dev.callmesh.protocol.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The exit codes every main shares, and how a {@code --config} file is read. */
@Timeout(10)
class LauncherTest {

  @TempDir
  Path dir;

  /** A command that ends as its {@code --outcome} says. */
  @Command(name = "probe", mixinStandardHelpOptions = true)
  static final class Probe implements Callable<Integer> {
    @Option(names = "--outcome")
    String outcome = "ok";

    @Override
    public Integer call() throws Exception {
      return switch (outcome) {
        case "bad-value" -> throw new IllegalArgumentException("the value is wrong");
        case "broken" -> throw new IllegalStateException("it broke");
        case "three" -> 3;
        default -> 0;
      };
    }
  }

  private int run(String... args) {
    return Launcher.create("probe").execute(new Probe(), args);
  }

  @Test
  void theCommandsOwnCodeIsReturned() {
    assertEquals(0, run());
    assertEquals(3, run("--outcome", "three"));
  }

  @Test
  void anIllegalArgumentIsAUsageErrorAndAnyOtherFailureExitsOneWithTheMessage() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(Launcher.EXIT_USAGE, run("--outcome", "bad-value"));
      assertEquals(Launcher.EXIT_FAILURE, run("--outcome", "broken"));
      assertEquals(Launcher.EXIT_USAGE, run("--no-such-flag"));
    } finally {
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("probe: the value is wrong"), text);
    assertTrue(text.contains("probe: it broke"), text);
  }

  @Test
  void aConfigFileIsOneJsonObject() throws Exception {
    Path good = Files.writeString(dir.resolve("good.json"), "{\"name\":\"dev1\"}");
    assertEquals(new JsonObject().put("name", "dev1"), Launcher.readConfig(good));
  }

  @Test
  void anUnreadableOrMalformedConfigFileIsAUsageError() throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Launcher.readConfig(dir.resolve("missing.json")));
    assertTrue(missing.getMessage().contains("missing.json"), missing.getMessage());
    Path array = Files.writeString(dir.resolve("array.json"), "[1,2]");
    assertThrows(IllegalArgumentException.class, () -> Launcher.readConfig(array));
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"name\":");
    assertThrows(IllegalArgumentException.class, () -> Launcher.readConfig(broken));
  }
}
