package dev.callmesh.protocol.auth;

import dev.callmesh.protocol.labels.Labels;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses one line of an OpenSSH authorized_keys file into an {@link AuthorizedKey}:
 * {@code [options] keytype base64 [comment]}, where options are comma separated and values are
 * double-quoted, may contain commas, and escape {@code "} as {@code \"}.
 */
final class AuthorizedKeyLine {

  /** Thrown for a line that must be skipped; the message says why, for the warning. */
  static final class Skip extends Exception {
    private static final long serialVersionUID = 1L;

    Skip(String message) {
      super(message, null, false, false);
    }
  }

  /** First words that are key types, so that the line has no options. No option name starts like this. */
  private static final Pattern KEY_TYPE = Pattern.compile("(ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]*");
  private static final List<String> OURS = List.of("name", "spoke", "allow", "from", "labels");
  /** Options that restrict or change what a key means in OpenSSH; honouring them is not implemented. */
  private static final List<String> UNSUPPORTED = List.of("cert-authority", "expiry-time");

  private AuthorizedKeyLine() {
  }

  /**
   * @return the entry, or null for a blank or comment line
   * @throws Skip when the line cannot be used
   */
  static AuthorizedKey parse(String text, int lineNumber) throws Skip {
    String s = text.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return null;
    }
    Map<String, String> options = Map.of();
    int firstSpace = indexOfWhitespace(s, 0);
    String first = firstSpace < 0 ? s : s.substring(0, firstSpace);
    if (!KEY_TYPE.matcher(first).matches()) {
      int end = endOfOptions(s);
      options = parseOptions(s.substring(0, end));
      s = s.substring(end).strip();
    }
    String[] parts = s.split("\\s+", 3);
    if (parts.length < 2 || parts[0].isEmpty()) {
      throw new Skip("no key after the options");
    }
    if (!SshPublicKey.KEY_TYPE.equals(parts[0])) {
      throw new Skip("skipped " + SshPublicKey.printable(parts[0]).replace("\"", "")
          + " key: only ssh-ed25519 is supported");
    }
    SshPublicKey key;
    try {
      key = SshPublicKey.fromWireBlob(Base64.getDecoder().decode(parts[1]));
    } catch (IllegalArgumentException e) {
      throw new Skip("the ssh-ed25519 key is malformed (" + e.getMessage() + ")");
    }
    for (String unsupported : UNSUPPORTED) {
      if (options.containsKey(unsupported)) {
        throw new Skip("the option " + unsupported + " is not supported by callmesh");
      }
    }
    String comment = parts.length == 3 ? parts[2].strip() : "";
    String name = options.get("name");
    String id = name != null && !name.isBlank() ? name.strip()
        : !comment.isEmpty() ? comment
        : key.fingerprint();
    String from = options.get("from");
    Map<String, String> labels;
    try {
      labels = Labels.parse(options.get("labels"));
    } catch (IllegalArgumentException e) {
      throw new Skip("labels=: " + e.getMessage());
    }
    return new AuthorizedKey(key, id, splitList(options.get("spoke")), splitList(options.get("allow")),
        from == null ? null : from.strip(), labels, lineNumber);
  }

  private static int indexOfWhitespace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** @return the index of the first whitespace outside double quotes */
  private static int endOfOptions(String s) throws Skip {
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && Character.isWhitespace(c)) {
        return i;
      }
    }
    throw new Skip(quoted ? "an option value has no closing quote" : "no key after the options");
  }

  /** @return option names (lower case) to their unquoted values ("" for flags like no-pty) */
  private static Map<String, String> parseOptions(String s) throws Skip {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < s.length()) {
      int nameStart = i;
      while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ',') {
        i++;
      }
      String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        throw new Skip("an option has no name");
      }
      String value = "";
      if (i < s.length() && s.charAt(i) == '=') {
        i++;
        if (i >= s.length() || s.charAt(i) != '"') {
          throw new Skip("the value of option " + name + " must be in double quotes");
        }
        StringBuilder v = new StringBuilder();
        for (i++; i < s.length() && s.charAt(i) != '"'; i++) {
          if (s.charAt(i) == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
            i++;
          }
          v.append(s.charAt(i));
        }
        if (i >= s.length()) {
          throw new Skip("the value of option " + name + " has no closing quote");
        }
        i++;
        value = v.toString();
      }
      if (i < s.length() && s.charAt(i) != ',') {
        throw new Skip("expected a comma after option " + name);
      }
      i++;
      if (OURS.contains(name) && out.containsKey(name)) {
        throw new Skip("the option " + name + " appears twice; give it once with a comma-separated list");
      }
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }
}
