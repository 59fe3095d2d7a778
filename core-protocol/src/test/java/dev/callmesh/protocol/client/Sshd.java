package dev.callmesh.protocol.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 and a free port, configured from scratch in a directory of
 * its own: an ed25519 host key made by {@code ssh-keygen}, public-key login only, against an
 * authorized_keys file in that directory, TCP forwarding allowed. Missing OpenSSH skips the test, except
 * on CI ({@code CI=true}) where it fails.
 *
 * <p>Public for the integration tests of the {@code it} module, which use it from this module's test jar.
 */
public final class Sshd implements AutoCloseable {

  /** Where Debian's openssh-server puts the daemon. */
  public static final Path SSHD = Path.of("/usr/sbin/sshd");
  /** Where Debian's openssh-client puts ssh-keygen. */
  public static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");

  private final Path dir;
  private final int port;
  private final Process process;

  private Sshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Skips the calling test (or fails it on CI) unless sshd and ssh-keygen are installed. */
  public static void require() {
    for (Path p : new Path[] {SSHD, SSH_KEYGEN}) {
      if (!Files.isExecutable(p)) {
        String why = p + " is not installed; install OpenSSH (Debian: apt-get install openssh-server "
            + "openssh-client) to run this test";
        if ("true".equals(System.getenv("CI"))) {
          fail(why + " (CI=true: .ci/run must install it)");
        }
        Assumptions.abort(why);
      }
    }
  }

  /**
   * Starts sshd and waits until it accepts connections.
   *
   * @param dir a directory for its config, host key, authorized_keys and log; made if missing
   * @return the running server; close it to stop it
   */
  public static Sshd start(Path dir) throws IOException, InterruptedException {
    require();
    Files.createDirectories(dir);
    keygen(dir.resolve("host_ed25519"), "sshd-host");
    Files.writeString(dir.resolve("authorized_keys"), "");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "ListenAddress 127.0.0.1",
        "Port " + port,
        "HostKey " + dir.resolve("host_ed25519"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "AllowTcpForwarding yes",
        "PermitRootLogin prohibit-password",
        "PidFile " + dir.resolve("sshd.pid"),
        "LogLevel VERBOSE",
        ""));
    try {
      // Privilege separation needs this directory; only root can make it, and only root needs it.
      Files.createDirectories(Path.of("/run/sshd"));
    } catch (IOException ignored) {
      // not root: sshd runs unprivileged and only lets this user in
    }
    Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    Sshd sshd = new Sshd(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!p.isAlive()) {
        fail("sshd exited with " + p.exitValue() + ":\n" + sshd.log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return sshd;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          sshd.close();
          fail("sshd did not listen on 127.0.0.1:" + port + " within 15 s:\n" + sshd.log());
        }
        Thread.sleep(50);
      }
    }
  }

  /** Makes an unencrypted ed25519 key pair FILE and FILE.pub with {@code ssh-keygen}. @return FILE */
  public static Path keygen(Path file, String comment) throws IOException, InterruptedException {
    require();
    Process p = new ProcessBuilder(SSH_KEYGEN.toString(), "-q", "-t", "ed25519", "-N", "", "-C", comment,
        "-f", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "ssh-keygen failed: " + out);
    return file;
  }

  /** @return {@code SHA256:...} of a public key file, as {@code ssh-keygen -l} prints it */
  public static String fingerprint(Path pubFile) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(SSH_KEYGEN.toString(), "-l", "-f", pubFile.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "ssh-keygen -l failed: " + out);
    return out.split(" ")[1];
  }

  /** @return the port sshd listens on */
  public int port() {
    return port;
  }

  /** @return the public half of the host key */
  public Path hostKeyPub() {
    return dir.resolve("host_ed25519.pub");
  }

  /** Lets the key (its .pub line) log in. */
  public void authorize(Path privateKeyFile) throws IOException {
    Files.writeString(dir.resolve("authorized_keys"), Files.readString(Path.of(privateKeyFile + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** @return a known_hosts line for this server with the public key of the given .pub file */
  public String knownHostsLine(Path pubFile) throws IOException {
    String[] parts = Files.readString(pubFile).trim().split(" ");
    return "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n";
  }

  /** Writes a known_hosts file that trusts this server's real host key. @return the file */
  public Path writeKnownHosts(Path file) throws IOException {
    Files.writeString(file, knownHostsLine(hostKeyPub()));
    return file;
  }

  /** @return what sshd has logged so far */
  public String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Kills sshd and every session it forked: every SSH connection through it drops, as when the
   * server goes away.
   */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
