package dev.callmesh.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ports of the processes a benchmark starts: a free one, the one a process printed, waiting for one. */
final class Ports {

  private Ports() {
  }

  /** @return the last number on a line such as "listening on 127.0.0.1:40123" */
  static int lastInt(String line) {
    Matcher m = Pattern.compile("(\\d+)\\D*$").matcher(line);
    if (!m.find()) {
      throw new IllegalStateException("no port in: " + line);
    }
    return Integer.parseInt(m.group(1));
  }

  /** @return a loopback port that was free a moment ago */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Waits until something listens on the loopback port, or fails after the timeout. */
  static void waitForPort(int port, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IOException("nothing listens on port " + port + " after " + timeoutMs + " ms");
        }
        Thread.sleep(100);
      }
    }
  }
}
