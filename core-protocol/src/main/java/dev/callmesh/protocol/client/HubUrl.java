package dev.callmesh.protocol.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a hub is: {@code tcp://host:port}, {@code tls://host:port}, {@code ws://host:port/v1/ws},
 * {@code wss://...} or {@code ssh://user@sshhost[:22]/host:port} (README.md, "Every way in").
 *
 * @param scheme tcp, tls, ws, wss or ssh
 * @param host the hub's host (for ssh: the SSH server's)
 * @param port the hub's port (for ssh: the SSH server's)
 * @param path the WebSocket path, or for ssh the {@code host:port} of the hub as seen from the SSH server
 * @param user the SSH user, or {@code null}
 */
public record HubUrl(String scheme, String host, int port, String path, String user) {

  /** The hub's TCP port when a URL names none. */
  public static final int DEFAULT_TCP_PORT = 7400;

  /**
   * @param text a hub URL; a bare {@code host:port} reads as {@code tcp://host:port}
   * @return the parsed URL
   * @throws IllegalArgumentException with a message that shows the accepted forms
   */
  public static HubUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no hub URL given; " + FORMS);
    }
    String t = text.contains("://") ? text.trim() : "tcp://" + text.trim();
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad hub URL '" + text + "': " + e.getReason() + "; " + FORMS);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    String host = uri.getHost();
    if (host == null) {
      throw new IllegalArgumentException("hub URL '" + text + "' has no host; " + FORMS);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return switch (scheme) {
      case "tcp", "tls" -> new HubUrl(scheme, host, port(uri, DEFAULT_TCP_PORT), "", null);
      case "ws", "wss" -> new HubUrl(scheme, host, port(uri, scheme.equals("ws") ? 80 : 443),
          uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/v1/ws" : uri.getRawPath(), null);
      case "ssh" -> new HubUrl(scheme, host, port(uri, 22), stripSlash(uri.getRawPath()), uri.getUserInfo());
      default -> throw new IllegalArgumentException("unknown hub URL scheme '" + scheme + "'; " + FORMS);
    };
  }

  /**
   * Reads a comma-separated list of hub URLs, each as {@link #parse(String)} reads it; spaces around an
   * entry are ignored. The order is kept: it is the order in which the hubs are tried.
   *
   * @param text e.g. {@code tcp://a:7400,ws://b:7480/v1/ws}; a single URL gives a one-element list
   * @return the URLs, at least one, in the order given (unmodifiable)
   * @throws IllegalArgumentException naming the entry (its position and text) that is empty or not a hub URL
   */
  public static List<HubUrl> parseList(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no hub URL given; " + FORMS);
    }
    String[] entries = text.split(",", -1);
    List<HubUrl> urls = new ArrayList<>(entries.length);
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].trim();
      String where = "hub URL " + (i + 1) + " of " + entries.length + " in '" + text.trim() + "'";
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(where + " is empty; separate URLs with single commas");
      }
      try {
        urls.add(parse(entry));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + " ('" + entry + "'): " + e.getMessage(), e);
      }
    }
    return List.copyOf(urls);
  }

  /**
   * @param urls hub URLs
   * @return them as {@link #parseList(String)} reads them: each {@link #toString()}, joined by commas
   */
  public static String format(List<HubUrl> urls) {
    return String.join(",", urls.stream().map(HubUrl::toString).toList());
  }

  private static final String FORMS = "use tcp://host:port, tls://host:port, ws://host:port/v1/ws, "
      + "wss://host:port/v1/ws or ssh://user@sshhost[:22]/hubhost:port";

  private static int port(URI uri, int dflt) {
    return uri.getPort() < 0 ? dflt : uri.getPort();
  }

  private static String stripSlash(String p) {
    return p == null ? "" : p.startsWith("/") ? p.substring(1) : p;
  }

  @Override
  public String toString() {
    return switch (scheme) {
      case "ssh" -> "ssh://" + (user == null ? "" : user + "@") + host + ":" + port + "/" + path;
      case "ws", "wss" -> scheme + "://" + host + ":" + port + path;
      default -> scheme + "://" + host + ":" + port;
    };
  }
}
