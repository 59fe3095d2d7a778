package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JavaScript client's own tests ({@code node --test} in clients/js/test), run in Node.js with the {@code ws}
 * package from npm against the built hub, spoke and CLI jars: calls, streams and aborts, error codes, operations
 * served from Node and called by the Java CLI, reconnecting after the hub was killed, and the hub serving the
 * very files of clients/js at {@code /callmesh.js}. Skipped without node and npm, except in CI.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class NodeClientIT {

  private static final Path CLIENT = Path.of("..", "clients", "js").toAbsolutePath().normalize();

  @Test
  void theNodeTestsOfTheJavaScriptClientPass() throws Exception {
    Path node = Tools.require("node");
    Path npm = Tools.require("npm");
    requireNode20(node);
    installWs(npm);
    List<String> cmd = new ArrayList<>(List.of(node.toString(), "--test"));
    try (Stream<Path> files = Files.list(CLIENT.resolve("test"))) {
      files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".test.js")).sorted()
          .forEach(f -> cmd.add("test/" + f));
    }
    assertTrue(cmd.size() > 2, "no *.test.js in " + CLIENT.resolve("test"));

    ProcessBuilder pb = new ProcessBuilder(cmd).directory(CLIENT.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLMESH_"));
    pb.environment().put("CALLMESH_TEST_HUB_JAR", Tools.jar("callmesh.hub.jar").toString());
    pb.environment().put("CALLMESH_TEST_SPOKE_JAR", Tools.jar("callmesh.spoke.jar").toString());
    pb.environment().put("CALLMESH_TEST_CLI_JAR", Tools.jar("callmesh.cli.jar").toString());
    pb.environment().put("CALLMESH_TEST_JAVA", JavaProcess.java());
    Path log = Files.createTempFile("node-client-it", ".tap");
    Process p = pb.redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(240, TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    assertTrue(ended, "node --test did not finish in 240 s:\n" + out);
    // The summary lines ("# tests N", "# pass N", ...) show in the build log.
    out.lines().filter(l -> l.matches("# (tests|pass|fail|cancelled|skipped) \\d+")).forEach(System.out::println);
    assertEquals(0, p.exitValue(), "node --test failed:\n" + out);
    assertFalse(out.contains("\n# pass 0"), out);
  }

  /** Ends the test (skip, or fail when CI=true) on a Node.js older than 20, which the client does not support. */
  private static void requireNode20(Path node) throws Exception {
    Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
    String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), "node --version: " + version);
    Matcher m = Pattern.compile("v(\\d+)\\.").matcher(version);
    if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 20) {
      return;
    }
    String message = "the JavaScript client needs Node.js 20 or later; " + node + " is " + version;
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: .ci/run must install it)");
    }
    Assumptions.abort(message);
  }

  /** Installs the pinned {@code ws} (package-lock.json) into clients/js/node_modules, unless it is there. */
  private static void installWs(Path npm) throws Exception {
    if (Files.isDirectory(CLIENT.resolve("node_modules").resolve("ws"))) {
      return;
    }
    Process p = new ProcessBuilder(npm.toString(), "install", "--no-audit", "--no-fund", "--loglevel=error")
        .directory(CLIENT.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "npm install in " + CLIENT + " failed: " + out);
  }
}
