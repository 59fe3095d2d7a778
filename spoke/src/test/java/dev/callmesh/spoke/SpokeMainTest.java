package dev.callmesh.spoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link SpokeMain} fills {@link SpokeOptions}: a {@code --config} file first, flags over it. (The
 * environment sits between them; the test process sets no {@code CALLMESH_*} variable.)
 */
class SpokeMainTest {

  @TempDir
  Path dir;

  private static SpokeOptions parse(String... args) {
    SpokeMain main = new SpokeMain();
    new CommandLine(main).parseArgs(args);
    return main.options();
  }

  @Test
  void flagsOverrideTheConfigFileWhichOverridesTheDefaults() throws Exception {
    Path config = Files.writeString(dir.resolve("spoke.json"), """
        {"hub": "tcp://10.1.2.3:7400", "name": "from-file", "key": "file.key", "services": ["fs"],
         "cert": "file.pem", "certKey": "file-cert.key", "shutdownGrace": "3s", "streamThreads": 9}
        """);
    SpokeOptions o = parse("--config", config.toString(), "--name", "from-flag", "--cert", "flag.pem",
        "--shutdown-grace", "1s");
    assertEquals("from-flag", o.getName());
    assertEquals("tcp://10.1.2.3:7400", o.getHubUrl().toString());
    assertEquals(Path.of("file.key"), o.getKeyFile());
    assertEquals(List.of("fs"), o.getServices());
    assertEquals(Path.of("flag.pem"), o.getCertFile(), "the flag's certificate");
    assertEquals(Path.of("file-cert.key"), o.getCertKeyFile(), "with the file's key");
    assertEquals(1_000, o.getShutdownGraceMs());
    assertEquals(9, o.getStreamThreads(), "a setting without a flag comes from the file");
    assertEquals(SpokeOptions.DEFAULT_WORKER_THREADS, o.getWorkerThreads());
  }

  @Test
  void labelsAndPoolFromFlagsOverTheConfigFileAndBadOnesAreNamed() throws Exception {
    Path config = Files.writeString(dir.resolve("spoke.json"), """
        {"name": "dev1", "key": "k", "labels": {"role": "web"}, "pool": "file-pool"}
        """);
    SpokeOptions fromFile = parse("--config", config.toString());
    assertEquals(Map.of("role", "web"), fromFile.getLabels());
    assertEquals("file-pool", fromFile.getPool());
    SpokeOptions o = parse("--config", config.toString(), "--label", "role=ci", "--label", "region=eu", "--pool", "builders");
    assertEquals(Map.of("role", "ci", "region", "eu"), o.getLabels());
    assertEquals("builders", o.getPool());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> parse("--name", "dev1", "--key", "k", "--label", "role"));
    assertTrue(bad.getMessage().contains("'role' is not KEY=VALUE"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--name", "dev1", "--key", "k", "--pool", "Bad_Pool"));
  }

  @Test
  void withoutAConfigFileTheFlagsAlone() {
    SpokeOptions o = parse("--name", "dev1", "--key", "k", "--services", "bash, search", "--cert", "c.pem",
        "--cert-key", "c.key", "--root", dir.toString());
    assertEquals(List.of("bash", "search"), o.getServices());
    assertEquals(Path.of("c.pem"), o.getCertFile());
    assertEquals(dir, o.getRoot());
    assertEquals(SpokeOptions.DEFAULT_HUB, o.getHubUrl().toString());
  }

  @Test
  void hubTakesACommaSeparatedListOverTheConfigFilesHub() throws Exception {
    Path config = Files.writeString(dir.resolve("spoke.json"), """
        {"hub": ["tcp://10.1.2.3:7400", "tcp://10.1.2.4:7400"], "name": "n", "key": "k"}
        """);
    assertEquals("tcp://10.1.2.3:7400,tcp://10.1.2.4:7400",
        dev.callmesh.protocol.client.HubUrl.format(parse("--config", config.toString()).getHubUrls()));
    SpokeOptions o = parse("--config", config.toString(), "--hub", "tcp://a:1,ws://b:2/v1/ws");
    assertEquals("tcp://a:1,ws://b:2/v1/ws", dev.callmesh.protocol.client.HubUrl.format(o.getHubUrls()));
  }

  @Test
  void aNameAndAKeyAreRequiredAndACertificateNeedsItsKey() {
    assertThrows(CommandLine.ParameterException.class, () -> parse("--name", "dev1"));
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> parse("--name", "dev1", "--key", "k", "--cert", "c.pem"));
    assertEquals("a client certificate needs both --cert and --cert-key", half.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--name", "dev1", "--key", "k", "--services", "fs,ftp"));
  }
}
