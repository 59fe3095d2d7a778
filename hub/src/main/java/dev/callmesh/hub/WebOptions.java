package dev.callmesh.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the hub's HTTP side that browsers meet: the origins, besides the hub's own, whose pages may
 * open its WebSockets and call its API. A request that carries an {@code Origin} header from anywhere else
 * is refused with 403; requests without one (curl, spokes, the CLI) are not affected.
 */
public class WebOptions {

  private List<String> allowedOrigins = List.of();

  /** No origin but the hub's own. */
  public WebOptions() {
  }

  /** A copy of other. */
  public WebOptions(WebOptions other) {
    this.allowedOrigins = other.allowedOrigins;
  }

  /** From config-file JSON: {@code allowedOrigins}, an array of origins or a comma-separated list. */
  public WebOptions(JsonObject json) {
    Object origins = json.getValue("allowedOrigins");
    if (origins instanceof JsonArray a) {
      setAllowedOrigins(a.stream().map(String.class::cast).toList());
    } else if (origins instanceof String s) {
      setAllowedOrigins(parseOrigins(s));
    }
  }

  /** @return the options as config-file JSON */
  public JsonObject toJson() {
    return new JsonObject().put("allowedOrigins", new JsonArray(new ArrayList<>(allowedOrigins)));
  }

  /** @return the origins allowed besides the hub's own, normalized ({@link #normalizeOrigin}) */
  public List<String> getAllowedOrigins() {
    return allowedOrigins;
  }

  /**
   * @param origins origins such as {@code https://app.example.com} or {@code http://localhost:3000}
   * @return this
   * @throws IllegalArgumentException naming an entry that is not an http or https origin
   */
  public WebOptions setAllowedOrigins(List<String> origins) {
    List<String> out = new ArrayList<>();
    for (String o : origins) {
      String n = normalizeOrigin(o);
      if (n == null) {
        throw new IllegalArgumentException("'" + o + "' is not an origin; origins look like https://app.example.com:8443");
      }
      out.add(n);
    }
    this.allowedOrigins = List.copyOf(out);
    return this;
  }

  /** @return the entries of a comma-separated list, trimmed, empty ones left out */
  public static List<String> parseOrigins(String text) {
    List<String> out = new ArrayList<>();
    for (String o : text.split(",")) {
      if (!o.isBlank()) {
        out.add(o.trim());
      }
    }
    return out;
  }

  /**
   * @param origin an origin as a browser sends it: {@code scheme://host[:port]}
   * @return it in lower case without the scheme's default port, or {@code null} when it is not an http or
   *     https origin (such as the {@code null} origin of a file or a sandbox)
   */
  public static String normalizeOrigin(String origin) {
    try {
      URI u = new URI(origin.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      boolean bare = u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/");
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null || !bare
          || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
        return null;
      }
      int port = u.getPort();
      boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
