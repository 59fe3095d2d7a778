package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of deploy/ against the schemas of the tools that read them, offline: {@code compose.yaml}
 * with {@code docker-compose config} (Debian's docker-compose, which checks it against its bundled Compose
 * schema and needs no engine for that), every manifest of {@code k8s/} against the Kubernetes API's
 * schema ({@link KubernetesSchema}), and {@code k8s/kustomization.yaml} with {@code kubectl kustomize},
 * which rejects unknown fields and builds the objects, checked in turn. Broken copies show that each
 * check can fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeploySchemaIT {

  static final Path DEPLOY = Path.of(System.getProperty("callmesh.deploy.dir", "../deploy")).normalize();
  static final Path K8S = DEPLOY.resolve("k8s");

  @TempDir
  Path tmp;

  /** The exit status and the merged output of one run of a tool. */
  record Run(int exit, String output) {
  }

  private static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), out);
  }

  private static Run composeConfig(Path file) throws IOException, InterruptedException {
    Path compose = Tools.require("docker-compose");
    return run(file.getParent(), compose.toString(), "-f", file.getFileName().toString(), "config", "-q");
  }

  private static Run kustomize(Path dir) throws IOException, InterruptedException {
    return run(dir, Tools.require("kubectl").toString(), "kustomize", dir.toString());
  }

  /** @return the manifests of deploy/k8s, the kustomization left out */
  private static List<Path> manifests() throws IOException {
    try (Stream<Path> files = Files.list(K8S)) {
      return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList();
    }
  }

  /** @return a copy of the deploy/ file {@code relative} in the temp dir with one change, checked to apply */
  private Path brokenCopy(String relative, String from, String to) throws IOException {
    String text = Files.readString(DEPLOY.resolve(relative));
    String broken = text.replaceFirst(from, to);
    assertNotEquals(text, broken, relative + " no longer contains " + from + ": pick another field to break");
    Path copy = tmp.resolve(relative);
    Files.createDirectories(copy.getParent());
    Files.writeString(copy, broken);
    return copy;
  }

  @Test
  void theComposeFileMatchesTheComposeSchema() throws Exception {
    Run r = composeConfig(DEPLOY.resolve("compose.yaml"));
    assertEquals(0, r.exit(), "docker-compose config rejects deploy/compose.yaml:\n" + r.output());
  }

  @Test
  void theComposeCheckRejectsAMisspelledFieldAndAWrongType() throws Exception {
    Run misspelled = composeConfig(brokenCopy("compose.yaml", "cap_drop:", "cap_dorp:"));
    assertNotEquals(0, misspelled.exit(), misspelled.output());
    assertTrue(misspelled.output().contains("cap_dorp"), misspelled.output());

    Files.delete(tmp.resolve("compose.yaml"));
    Run wrongType = composeConfig(brokenCopy("compose.yaml", "mem_limit: 1g", "mem_limit: [1g]"));
    assertNotEquals(0, wrongType.exit(), wrongType.output());
    assertTrue(wrongType.output().contains("mem_limit"), wrongType.output());
  }

  @Test
  void everyKubernetesManifestMatchesTheKubernetesApiSchema() throws Exception {
    List<Path> files = manifests();
    assertTrue(files.size() >= 4, "expected the manifests of deploy/k8s, found " + files);
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      problems.addAll(KubernetesSchema.problems(f.getFileName().toString(), Files.readString(f)));
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theKubernetesCheckRejectsAMisspelledFieldAWrongTypeAndAWrongApiVersion() throws Exception {
    List<String> misspelled = problems(brokenCopy("k8s/hub.yaml", "readinessProbe:", "readinesProbe:"));
    assertEquals(1, misspelled.size(), misspelled.toString());
    assertTrue(misspelled.get(0).contains("spec.template.spec.containers[0].readinesProbe"), misspelled.toString());

    List<String> wrongType = problems(brokenCopy("k8s/hub.yaml", "replicas: 1", "replicas: one"));
    assertEquals(1, wrongType.size(), wrongType.toString());
    assertTrue(wrongType.get(0).contains("spec.replicas"), wrongType.toString());

    List<String> notAList = problems(brokenCopy("k8s/dev-pod.yaml", "volumeMounts:\n        - \\{name: workspace, "
        + "mountPath: /workspace\\}\n    - name: spoke", "volumeMounts: {name: workspace, mountPath: /workspace}\n"
        + "    - name: spoke"));
    assertEquals(1, notAList.size(), notAList.toString());
    assertTrue(notAList.get(0).contains("spec.containers[0].volumeMounts: must be a list"), notAList.toString());

    List<String> wrongGroup = problems(brokenCopy("k8s/hub.yaml", "apiVersion: apps/v1", "apiVersion: v1"));
    assertEquals(1, wrongGroup.size(), wrongGroup.toString());
    assertTrue(wrongGroup.get(0).contains("apps/v1"), wrongGroup.toString());
  }

  private static List<String> problems(Path file) throws IOException {
    return KubernetesSchema.problems(file.getFileName().toString(), Files.readString(file));
  }

  @Test
  void theKustomizationBuildsObjectsThatMatchTheSchemaInTheCallmeshNamespace() throws Exception {
    Run r = kustomize(K8S);
    assertEquals(0, r.exit(), "kubectl kustomize deploy/k8s fails:\n" + r.output());
    assertEquals(List.of(), KubernetesSchema.problems("kustomize output", r.output()));
    // Every object of the files it lists is there, and all but the Namespace itself land in it.
    long listed = 0;
    for (String line : Files.readAllLines(K8S.resolve("kustomization.yaml"))) {
      if (line.matches("  - \\S+\\.yaml")) {
        listed += Files.readAllLines(K8S.resolve(line.substring(4))).stream().filter(l -> l.startsWith("kind: ")).count();
      }
    }
    long objects = r.output().lines().filter(l -> l.startsWith("kind: ")).count();
    long namespaced = r.output().lines().filter(l -> l.equals("  namespace: callmesh")).count();
    assertTrue(listed >= 4, "kustomization.yaml lists too little: " + listed + " objects");
    assertEquals(listed, objects, r.output());
    assertEquals(objects - 1, namespaced, r.output());
  }

  @Test
  void theKustomizeCheckRejectsAMisspelledField() throws Exception {
    for (Path f : manifests()) {
      Files.copy(f, Files.createDirectories(tmp.resolve("k8s")).resolve(f.getFileName()));
    }
    Path copy = brokenCopy("k8s/kustomization.yaml", "\nresources:", "\nresourcess:");
    Run r = kustomize(copy.getParent());
    assertNotEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("resourcess"), r.output());
  }
}
