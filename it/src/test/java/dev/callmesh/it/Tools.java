package dev.callmesh.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Outside programs the tests need: skipped where missing on a user's machine, a failure in CI. */
final class Tools {

  private Tools() {
  }

  /** @return the path of the program, or ends the test (skip, or fail when CI=true) */
  static Path require(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String message = program + " is not installed; install it (Debian: apt-get install " + debianPackage(program)
        + ") to run this test";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(message + " (CI=true: .ci/run must install it)");
    }
    Assumptions.abort(message);
    return null;
  }

  /** @return the Debian package that installs the program */
  private static String debianPackage(String program) {
    if (program.startsWith("ssh")) {
      return program.equals("sshd") ? "openssh-server" : "openssh-client";
    }
    return program.equals("kubectl") ? "kubernetes-client" : program;
  }

  /** @return the jar path given by the build in a system property, checked to exist */
  static Path jar(String property) {
    String v = System.getProperty(property);
    Assertions.assertNotNull(v, "system property " + property + " is not set; run through ./mvnw verify");
    Path p = Path.of(v).normalize();
    Assertions.assertTrue(Files.exists(p), p + " does not exist; build it with ./mvnw package");
    return p;
  }
}
