package dev.callmesh.protocol.client;

import dev.callmesh.protocol.CallException;
import dev.callmesh.protocol.ErrorCode;
import dev.callmesh.protocol.auth.SshKeyPair;
import dev.callmesh.protocol.util.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.schmizz.sshj.Config;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.OpenFailException;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyPairWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH connection carrying one {@code direct-tcpip} channel to the hub, bridged to a loopback socket:
 * <pre>
 *   Vert.x NetSocket ──tcp──▶ 127.0.0.1:ephemeral ══ pump threads ══ direct-tcpip channel ──ssh──▶ sshd ──tcp──▶ hub
 * </pre>
 * The listening socket is bound to loopback only and bridges exactly one connection: the one whose
 * source port {@link #bridge(int)} names (any other is closed unread), then stops listening.
 * <p>
 * Whichever side ends first (the local socket closed by the transport, the hub closing the channel, the
 * SSH connection dropping, or no local connection arriving in time) {@link #close() closes} everything:
 * the local socket (so the transport closes and a spoke reconnects), the listener, and the SSH client
 * with its reader and keep-alive threads. All methods but {@link #open} are non-blocking except
 * {@link #close()}, which may wait briefly for the SSH server; call it off the event loop.
 */
final class SshTunnel {

  private static final Logger log = LoggerFactory.getLogger(SshTunnel.class);
  private static final int COPY_BUFFER = 32 * 1024;

  private final SSHClient ssh;
  private final DirectConnection channel;
  private final ServerSocket listener;
  private final String name;
  private final long acceptTimeoutMs;
  private final CompletableFuture<Integer> peerPort = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Socket local;

  private SshTunnel(SSHClient ssh, DirectConnection channel, ServerSocket listener, String name, long acceptTimeoutMs) {
    this.ssh = ssh;
    this.channel = channel;
    this.listener = listener;
    this.name = name;
    this.acceptTimeoutMs = acceptTimeoutMs;
  }

  /**
   * Connects to the SSH server, checks its host key, logs in, opens the channel to the hub and starts
   * listening on loopback. Blocking: run it off the event loop.
   *
   * @param url an {@code ssh://user@sshhost:port/hubhost:hubport} URL
   * @param options the SSH key, the known_hosts file and the timeouts
   * @param config the sshj settings
   * @return the open tunnel, waiting for its local connection
   * @throws CallException UNAVAILABLE when the SSH server or the hub cannot be reached or the host key is
   *     not trusted; UNAUTHENTICATED when there is no key or the SSH server refuses the login
   */
  static SshTunnel open(HubUrl url, ConnectOptions options, Config config) {
    HostPort hub = hubAddress(url);
    SshKeyPair key = options.getSshKey();
    if (key == null) {
      throw CallException.of(ErrorCode.UNAUTHENTICATED, "an ssh:// hub URL needs a key to log in to " + url.host()
          + " with; pass --key FILE");
    }
    String user = url.user() == null || url.user().isEmpty() ? System.getProperty("user.name") : url.user();
    Path knownHosts = options.getKnownHosts() != null ? options.getKnownHosts() : SshHostKeyCheck.defaultFile();
    String sshAddr = new HostPort(url.host(), url.port()).toString();
    dev.callmesh.protocol.auth.SshKeyPair.useJdkProvidersOnly();
    SSHClient ssh = new SSHClient(config);
    try {
      SshHostKeyCheck hostKeys;
      try {
        hostKeys = new SshHostKeyCheck(knownHosts);
      } catch (IOException e) {
        throw CallException.of(ErrorCode.UNAVAILABLE, "cannot read the known_hosts file " + knownHosts + ": " + e.getMessage());
      }
      ssh.addHostKeyVerifier(hostKeys);
      ssh.setConnectTimeout(options.getConnectTimeoutMs());
      ssh.getTransport().setTimeoutMs((int) Math.min(Integer.MAX_VALUE, options.getHandshakeTimeoutMs()));
      // keepalive@openssh.com every 10 s; sshj disconnects after 5 unanswered, which ends the tunnel.
      ssh.getConnection().getKeepAlive().setKeepAliveInterval(10);
      try {
        ssh.connect(url.host(), url.port());
      } catch (TransportException e) {
        String why = hostKeys.refusal();
        throw CallException.of(ErrorCode.UNAVAILABLE, why != null ? why
            : "SSH to " + sshAddr + " failed: " + e.getMessage());
      } catch (IOException e) {
        throw CallException.of(ErrorCode.UNAVAILABLE, "cannot reach the SSH server " + sshAddr + ": " + e
            + "; is sshd running there?");
      }
      try {
        ssh.authPublickey(user, new KeyPairWrapper(key.publicKey().jdkKey(), key.jdkPrivateKey()));
      } catch (UserAuthException e) {
        throw CallException.of(ErrorCode.UNAUTHENTICATED, "the SSH server " + sshAddr + " refused the login of user '"
            + user + "' with key " + key.publicKey().fingerprint() + " (" + e.getMessage()
            + "); is that key's .pub line in ~" + user + "/.ssh/authorized_keys there?");
      }
      DirectConnection channel;
      try {
        channel = ssh.newDirectConnection(hub.host(), hub.port());
      } catch (OpenFailException e) {
        throw CallException.of(ErrorCode.UNAVAILABLE, "the SSH server " + sshAddr + " could not reach the hub at "
            + hub + " (" + e.getMessage() + "); is the hub running, and does sshd allow TCP forwarding?");
      }
      ServerSocket listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      SshTunnel tunnel = new SshTunnel(ssh, channel, listener, url.toString(), options.getConnectTimeoutMs());
      // After close() disconnects on purpose this fires again; the tunnel is closed by then.
      ssh.getTransport().setDisconnectListener((reason, message) -> {
        if (!tunnel.closed.get()) {
          log.info("SSH connection {} dropped: {} {}", tunnel.name, reason, message);
        }
        tunnel.close();
      });
      tunnel.startAcceptor();
      return tunnel;
    } catch (CallException e) {
      quietly(ssh);
      throw e;
    } catch (IOException | RuntimeException e) {
      quietly(ssh);
      throw CallException.of(ErrorCode.UNAVAILABLE, "SSH tunnel to the hub via " + url + " failed: " + e);
    }
  }

  private static HostPort hubAddress(HubUrl url) {
    try {
      return HostPort.parse(url.path());
    } catch (IllegalArgumentException e) {
      throw CallException.of(ErrorCode.UNAVAILABLE, "the ssh:// hub URL " + url
          + " must end with the hub's HOST:PORT as seen from the SSH server, e.g. ssh://user@sshhost/127.0.0.1:7400");
    }
  }

  /** @return the loopback port to connect to */
  int localPort() {
    return listener.getLocalPort();
  }

  /**
   * Names the local connection to bridge: the one from this source port on loopback.
   *
   * @param sourcePort the local port of the socket that connected to {@link #localPort()}
   */
  void bridge(int sourcePort) {
    peerPort.complete(sourcePort);
  }

  /** @return whether the tunnel has ended */
  boolean isClosed() {
    return closed.get();
  }

  private void startAcceptor() {
    Thread t = new Thread(this::acceptThenPumpDown, "callmesh-ssh-down " + name);
    t.setDaemon(true);
    t.start();
  }

  private void acceptThenPumpDown() {
    try {
      Socket s = acceptOurs();
      if (s == null) {
        return;
      }
      s.setTcpNoDelay(true);
      local = s;
      if (closed.get()) {
        // close() ran between accept and publishing the socket: it could not close this one.
        quietly(s);
        return;
      }
      InputStream fromLocal = s.getInputStream();
      Thread up = new Thread(() -> pump(fromLocal, channel.getOutputStream()), "callmesh-ssh-up " + name);
      up.setDaemon(true);
      up.start();
      pump(channel.getInputStream(), s.getOutputStream());
    } catch (IOException | RuntimeException e) {
      if (!closed.get()) {
        log.debug("SSH tunnel {} ends: {}", name, e.toString());
      }
      close();
    }
  }

  /** @return the socket from the port {@link #bridge} names, or null when the tunnel closed or timed out */
  private Socket acceptOurs() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(acceptTimeoutMs);
    try {
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new SocketTimeoutException("no local connection within " + acceptTimeoutMs + " ms");
        }
        listener.setSoTimeout((int) left);
        Socket s = listener.accept();
        Integer want;
        try {
          want = peerPort.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
              TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          quietly(s);
          throw new SocketTimeoutException("the local connection was not named in time");
        }
        if (s.getInetAddress().isLoopbackAddress() && s.getPort() == want) {
          listener.close();
          return s;
        }
        log.warn("SSH tunnel {}: refused a stray local connection from port {}", name, s.getPort());
        quietly(s);
      }
    } catch (IOException e) {
      if (closed.get()) {
        return null;
      }
      throw e;
    }
  }

  /** Copies until either side ends, then closes the whole tunnel. */
  private void pump(InputStream in, OutputStream out) {
    byte[] buf = new byte[COPY_BUFFER];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed.get()) {
        log.debug("SSH tunnel {} copy ends: {}", name, e.toString());
      }
    } finally {
      close();
    }
  }

  /**
   * Ends the tunnel: closes the local socket, the listener and the SSH connection. Idempotent; may
   * block briefly while the SSH server is told goodbye.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    peerPort.complete(-1);
    quietly(local);
    quietly(listener);
    quietly(ssh);
  }

  private static void quietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
