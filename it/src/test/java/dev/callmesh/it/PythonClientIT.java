package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Python client's own tests ({@code clients/python/tests}, pytest) against the built hub, spoke and CLI
 * jars: calls, streams and aborts, every error code, tcp/tls/ws, tokens, ssh-agent signing, Python spokes,
 * reconnect, asyncio, bad input from a fake hub. Passes only when pytest exits 0; prints pytest's output.
 * Skipped where python3 or pytest is missing, a failure when {@code CI=true}.
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class PythonClientIT {

  @Test
  void thePythonClientsTestsPass() throws Exception {
    Path hubJar = Tools.jar("callmesh.hub.jar");
    Path spokeJar = Tools.jar("callmesh.spoke.jar");
    Path cliJar = Tools.jar("callmesh.cli.jar");
    Tools.require("ssh-keygen");
    Tools.require("ssh-agent");
    Tools.require("openssl");
    Path python = Tools.require("python3");
    requireModule(python, "pytest", "python3-pytest");
    Path repo = hubJar.getParent().getParent().getParent();
    Path tests = repo.resolve("clients/python/tests");
    assertTrue(Files.isDirectory(tests), tests + " is missing");

    Path log = Files.createTempFile("pytest", ".log");
    ProcessBuilder pb = new ProcessBuilder(python.toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
        "clients/python/tests").directory(repo.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLMESH_"));
    pb.environment().put("CALLMESH_HUB_JAR", hubJar.toString());
    pb.environment().put("CALLMESH_SPOKE_JAR", spokeJar.toString());
    pb.environment().put("CALLMESH_CLI_JAR", cliJar.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    boolean ended = p.waitFor(400, TimeUnit.SECONDS);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.deleteIfExists(log);
    System.out.println("---- pytest clients/python/tests ----\n" + out);
    assertTrue(ended, "pytest did not finish in 400 s:\n" + out);
    assertEquals(0, p.exitValue(), "pytest failed:\n" + out);
  }

  /** Ends the test (skip, or fail when CI=true) unless python3 can import the module. */
  private static void requireModule(Path python, String module, String debianPackage)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(python.toString(), "-c", "import " + module))
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() == 0) {
      return;
    }
    String message = "python3 cannot import " + module + "; install it (Debian: apt-get install " + debianPackage
        + ") to run the Python client's tests";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: .ci/run must install it)");
    }
    Assumptions.abort(message);
  }
}
