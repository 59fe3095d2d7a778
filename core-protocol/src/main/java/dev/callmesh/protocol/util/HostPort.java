package dev.callmesh.protocol.util;

/**
 * A {@code host:port} pair as given on a command line; IPv6 hosts in brackets ({@code [::1]:7400}).
 *
 * @param host the host or address, without brackets
 * @param port 0 to 65535 (0 asks the system for a free port)
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
    }
  }

  /**
   * @param text {@code host:port} or {@code [v6]:port}
   * @return the pair
   * @throws IllegalArgumentException when it is not of that form
   */
  public static HostPort parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("expected HOST:PORT");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, not '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new HostPort(host, Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + text + "'");
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** @return this machine's host name: {@code $HOSTNAME}, else what the resolver says, else {@code hub} */
  public static String localHostName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "hub";
      }
    }
    return host;
  }
}
