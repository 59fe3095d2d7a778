package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files of deploy/ against the schemas of the tools that read them, offline: {@code compose.yaml}
 * and {@code compose-cluster.yaml} with {@code docker-compose config} (Debian's docker-compose, which checks
 * them against its bundled Compose schema and needs no engine for that), every manifest of {@code k8s/} and
 * {@code k8s-cluster/} against the Kubernetes API's schema ({@link KubernetesSchema}), and both
 * kustomizations with {@code kubectl kustomize}, which rejects unknown fields and builds the objects,
 * checked in turn. Broken copies show that each check can fail. The clustered hubs' settings are checked
 * against each other too: distinct hub ids, and peer and hub lists that name every hub (docs/CLUSTER.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeploySchemaIT {

  static final Path DEPLOY = Path.of(System.getProperty("callmesh.deploy.dir", "../deploy")).normalize();
  static final Path K8S = DEPLOY.resolve("k8s");
  static final Path K8S_CLUSTER = DEPLOY.resolve("k8s-cluster");

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
    return manifests(K8S);
  }

  /** @return the manifests of a directory of deploy/, its kustomization left out */
  private static List<Path> manifests(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
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

  // ---- several hubs: compose-cluster.yaml and k8s-cluster/ ----

  @Test
  void theClusterComposeFileMatchesTheComposeSchema() throws Exception {
    Run r = composeConfig(DEPLOY.resolve("compose-cluster.yaml"));
    assertEquals(0, r.exit(), "docker-compose config rejects deploy/compose-cluster.yaml:\n" + r.output());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theClusterComposeFileGivesEachHubItsOwnIdAndEveryoneEveryHub() throws Exception {
    Path file = DEPLOY.resolve("compose-cluster.yaml");
    Run r = run(DEPLOY, Tools.require("docker-compose").toString(), "-f", file.getFileName().toString(), "config");
    assertEquals(0, r.exit(), r.output());
    Map<String, Object> services = (Map<String, Object>) yaml(r.output()).get("services");
    Map<String, Map<String, Object>> hubs = new LinkedHashMap<>();
    Map<String, Map<String, Object>> spokes = new LinkedHashMap<>();
    services.forEach((name, service) -> {
      Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) service).get("environment");
      (env.containsKey("CALLMESH_CLUSTER") ? hubs : spokes).put(name, env);
    });
    assertEquals(3, hubs.size(), "three hubs: " + services.keySet());
    assertTrue(spokes.size() >= 2, "spokes spread over the hubs: " + services.keySet());
    List<String> members = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    hubs.forEach((name, env) -> {
      assertEquals(name, env.get("CALLMESH_HUB_ID"), name + ": its own hub id");
      assertEquals(name + ":5701", env.get("CALLMESH_CLUSTER"), name + ": its member address");
      members.add(name + ":5701");
      urls.add("tcp://" + name + ":7400");
    });
    hubs.forEach((name, env) -> assertEquals(members.stream().sorted().toList(),
        Arrays.stream(((String) env.get("CALLMESH_CLUSTER_PEERS")).split(",")).sorted().toList(), name + ": peers"));
    List<String> firsts = new ArrayList<>();
    spokes.forEach((name, env) -> {
      List<String> list = Arrays.asList(((String) env.get("CALLMESH_HUB")).split(","));
      assertEquals(urls.stream().sorted().toList(), list.stream().sorted().toList(), name + ": every hub, once");
      firsts.add(list.get(0));
    });
    assertEquals(Math.min(spokes.size(), hubs.size()), firsts.stream().distinct().count(),
        "the spokes start on different hubs: " + firsts);
  }

  @Test
  void everyClusterManifestMatchesTheKubernetesApiSchema() throws Exception {
    List<Path> files = manifests(K8S_CLUSTER);
    assertTrue(files.size() >= 1, "expected the manifests of deploy/k8s-cluster, found " + files);
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      problems.addAll(KubernetesSchema.problems(f.getFileName().toString(), Files.readString(f)));
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void theClusterCheckRejectsAMisspelledFieldAndAWrongKindVersion() throws Exception {
    List<String> misspelled = problems(brokenCopy("k8s-cluster/hub-cluster.yaml", "podManagementPolicy:",
        "podManagmentPolicy:"));
    assertEquals(1, misspelled.size(), misspelled.toString());
    assertTrue(misspelled.get(0).contains("spec.podManagmentPolicy"), misspelled.toString());

    List<String> wrongGroup = problems(brokenCopy("k8s-cluster/hub-cluster.yaml", "apiVersion: policy/v1",
        "apiVersion: apps/v1"));
    assertEquals(1, wrongGroup.size(), wrongGroup.toString());
    assertTrue(wrongGroup.get(0).contains("policy/v1"), wrongGroup.toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theClusterKustomizationPutsClusteredHubsInPlaceOfTheSingleHub() throws Exception {
    Run r = kustomize(K8S_CLUSTER);
    assertEquals(0, r.exit(), "kubectl kustomize deploy/k8s-cluster fails:\n" + r.output());
    assertEquals(List.of(), KubernetesSchema.problems("kustomize output", r.output()));
    List<Map<String, Object>> objects = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r.output())
        .forEach(o -> objects.add((Map<String, Object>) o));
    List<String> kinds = objects.stream().map(o -> (String) o.get("kind")).toList();
    assertTrue(kinds.contains("Namespace") && kinds.contains("Pod"), "the single hub's other objects: " + kinds);
    assertTrue(!kinds.contains("Deployment"), "the single hub's Deployment is gone: " + kinds);
    long namespaced = r.output().lines().filter(l -> l.equals("  namespace: callmesh")).count();
    assertEquals(objects.size() - 1, namespaced, r.output());

    Map<String, Object> set = objects.stream().filter(o -> "StatefulSet".equals(o.get("kind"))).findFirst()
        .orElseThrow(() -> new AssertionError("no StatefulSet: " + kinds));
    String name = (String) ((Map<String, Object>) set.get("metadata")).get("name");
    Map<String, Object> spec = (Map<String, Object>) set.get("spec");
    int replicas = (Integer) spec.get("replicas");
    String headless = (String) spec.get("serviceName");
    Map<String, Object> service = objects.stream().filter(o -> "Service".equals(o.get("kind"))
        && headless.equals(((Map<String, Object>) o.get("metadata")).get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no Service " + headless));
    assertEquals("None", ((Map<String, Object>) service.get("spec")).get("clusterIP"), headless + " is headless");
    assertEquals(true, ((Map<String, Object>) service.get("spec")).get("publishNotReadyAddresses"),
        headless + ": hubs resolve each other before they are ready");
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    Map<String, Object> env = new LinkedHashMap<>();
    for (Object e : (List<Object>) ((Map<String, Object>) ((List<Object>) pod.get("containers")).get(0)).get("env")) {
      Map<String, Object> var = (Map<String, Object>) e;
      env.put((String) var.get("name"), var.containsKey("value") ? var.get("value") : var.get("valueFrom"));
    }
    assertEquals("$(POD_NAME)", env.get("CALLMESH_HUB_ID"), "each hub's id is its pod's name");
    assertEquals(Map.of("fieldRef", Map.of("fieldPath", "metadata.name")), env.get("POD_NAME"));
    List<String> peers = Arrays.asList(((String) env.get("CALLMESH_CLUSTER_PEERS")).split(","));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      expected.add(name + "-" + i + "." + headless + ":5701");
    }
    assertEquals(expected, peers, "the peers name every replica by its stable name");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
  }
}
