package dev.callmesh.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 and a free port, configured from scratch in its own directory
 * (the twin of core-protocol's test helper of the same name): an ed25519 host key from
 * {@code ssh-keygen}, public-key login only against {@code dir/authorized_keys}, TCP forwarding allowed.
 * Missing OpenSSH skips the test, or fails it when CI=true ({@link Tools#require}).
 */
final class Sshd implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process process;

  private Sshd(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts sshd with its files in {@code dir} and waits until it accepts connections. */
  static Sshd start(Path dir) throws IOException, InterruptedException {
    Path sshd = Files.isExecutable(Path.of("/usr/sbin/sshd")) ? Path.of("/usr/sbin/sshd") : Tools.require("sshd");
    Path keygen = Tools.require("ssh-keygen");
    Files.createDirectories(dir);
    Path hostKey = dir.resolve("host_ed25519");
    Process kg = new ProcessBuilder(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "sshd-host", "-f",
        hostKey.toString()).redirectErrorStream(true).start();
    if (kg.waitFor() != 0) {
      fail("ssh-keygen failed: " + new String(kg.getInputStream().readAllBytes()));
    }
    Files.writeString(dir.resolve("authorized_keys"), "");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n", "ListenAddress 127.0.0.1", "Port " + port, "HostKey " + hostKey,
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PubkeyAuthentication yes",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
        "AllowTcpForwarding yes", "PermitRootLogin prohibit-password", "PidFile " + dir.resolve("sshd.pid"),
        "LogLevel VERBOSE", ""));
    try {
      Files.createDirectories(Path.of("/run/sshd")); // privilege separation, when root
    } catch (IOException ignored) {
      // not root: sshd runs unprivileged
    }
    Process p = new ProcessBuilder(sshd.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    Sshd s = new Sshd(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!p.isAlive()) {
        fail("sshd exited with " + p.exitValue() + ":\n" + s.log());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return s;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          s.close();
          fail("sshd did not listen on 127.0.0.1:" + port + " within 15 s:\n" + s.log());
        }
        Thread.sleep(50);
      }
    }
  }

  int port() {
    return port;
  }

  /** Lets the key (its .pub line) log in. */
  void authorize(Path privateKeyFile) throws IOException {
    Files.writeString(dir.resolve("authorized_keys"), Files.readString(Path.of(privateKeyFile + ".pub")),
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** Writes a known_hosts file naming this server with the key of the .pub file. @return the file */
  Path knownHosts(Path file, Path hostPubFile) throws IOException {
    String[] parts = Files.readString(hostPubFile).trim().split(" ");
    Files.writeString(file, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
    return file;
  }

  /** @return the public half of sshd's host key */
  Path hostKeyPub() {
    return dir.resolve("host_ed25519.pub");
  }

  String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills sshd and the sessions it forked. */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
