package dev.callmesh.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.junit.jupiter.api.Assertions;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images of {@code deploy/}, built from the real Dockerfiles and the built jars, for the container
 * tests.
 *
 * <p>The Dockerfiles start {@code FROM ${JRE_IMAGE}} (default {@code eclipse-temurin:17-jre}). Where no
 * registry can be reached, {@code .ci/podman-setup.sh} makes a local Java image and names it in
 * {@code CALLMESH_IT_JRE_IMAGE}; the build then uses that one instead.
 */
final class ContainerImages {

  /** Environment variable naming the Java runtime image to build FROM, when not the Dockerfile's default. */
  static final String JRE_IMAGE_ENV = "CALLMESH_IT_JRE_IMAGE";

  private ContainerImages() {
  }

  /** @return the image of {@code deploy/spoke.Dockerfile} with the built spoke jar and launcher, built on first use */
  static ImageFromDockerfile spoke() {
    Path repo = repositoryRoot();
    ImageFromDockerfile image = new ImageFromDockerfile("localhost/callmesh-spoke-it", true)
        .withFileFromPath("deploy/spoke.Dockerfile", repo.resolve("deploy/spoke.Dockerfile"))
        .withFileFromPath("deploy/healthcheck.sh", repo.resolve("deploy/healthcheck.sh"))
        .withFileFromPath("spoke/target/callmesh-spoke.jar", Tools.jar("callmesh.spoke.jar"))
        .withFileFromPath("spoke/target/callmesh-spoke", Tools.jar("callmesh.spoke.launcher"))
        .withDockerfilePath("deploy/spoke.Dockerfile");
    String jre = System.getenv(JRE_IMAGE_ENV);
    if (jre != null && !jre.isBlank()) {
      image.withBuildArg("JRE_IMAGE", jre);
    }
    return image;
  }

  /**
   * Readiness as Docker's HEALTHCHECK would see it, without the engine's health timers (podman runs
   * them with systemd, which a CI machine may lack): runs the image's own check until it passes.
   *
   * @param mode the argument of {@code callmesh-healthcheck}: {@code connected} (spoke) or {@code listening} (hub)
   * @return a wait strategy that fails with the check's last output after the timeout
   */
  static WaitStrategy healthCheckPasses(String mode, Duration timeout) {
    return new AbstractWaitStrategy() {
      @Override
      protected void waitUntilReady() {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
          if (!waitStrategyTarget.isRunning()) {
            throw new IllegalStateException("the container stopped: " + waitStrategyTarget.getLogs());
          }
          try {
            ExecResult r = waitStrategyTarget.execInContainer("/usr/local/bin/callmesh-healthcheck", mode);
            if (r.getExitCode() == 0) {
              return;
            }
            last = r.getStdout() + r.getStderr();
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          } catch (Exception e) {
            last = e.toString();
          }
        }
        throw new IllegalStateException("callmesh-healthcheck " + mode + " did not pass within " + timeout + ": "
            + last + "\ncontainer logs: " + waitStrategyTarget.getLogs());
      }
    }.withStartupTimeout(timeout);
  }

  /** @return the repository root: three levels above the spoke jar ({@code spoke/target/callmesh-spoke.jar}) */
  static Path repositoryRoot() {
    Path root = Tools.jar("callmesh.spoke.jar").toAbsolutePath().getParent().getParent().getParent();
    Assertions.assertTrue(Files.isRegularFile(root.resolve("deploy/spoke.Dockerfile")),
        "no deploy/spoke.Dockerfile under " + root);
    return root;
  }
}
