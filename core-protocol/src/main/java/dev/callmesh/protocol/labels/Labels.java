package dev.callmesh.protocol.labels;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A spoke's labels: {@code KEY=VALUE} pairs, each key and value 1 to 63 of {@code A-Za-z0-9._-}. A spoke
 * claims them with {@code --label} (sent as {@code "labels"} in {@code auth.hello}); an authorized_keys line
 * may pin some with {@code labels="role=ci,region=eu"}, which win over what the spoke claims for the same keys.
 */
public final class Labels {

  /** What a key and a value may be. */
  public static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,63}");
  /** The most labels one spoke may have. */
  public static final int MAX = 64;

  private Labels() {
  }

  /**
   * @param list {@code k=v,k2=v2} (blanks around items allowed), or {@code null}
   * @return the labels in the order given
   * @throws IllegalArgumentException naming the item that is not {@code KEY=VALUE} of the allowed characters
   */
  public static Map<String, String> parse(String list) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return out;
    }
    for (String item : list.split(",")) {
      put(out, item.strip());
    }
    return out;
  }

  /**
   * Adds one {@code KEY=VALUE} to the labels.
   *
   * @throws IllegalArgumentException naming the item when it is not valid, or there are too many
   */
  public static void put(Map<String, String> labels, String item) {
    int eq = item.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException("label '" + printable(item) + "' is not KEY=VALUE");
    }
    String key = item.substring(0, eq);
    String value = item.substring(eq + 1);
    check(key, value);
    labels.put(key, value);
    if (labels.size() > MAX) {
      throw new IllegalArgumentException("at most " + MAX + " labels");
    }
  }

  /**
   * @throws IllegalArgumentException naming the key or value that is not 1 to 63 of {@code A-Za-z0-9._-}
   */
  public static void check(String key, String value) {
    if (key == null || !TOKEN.matcher(key).matches()) {
      throw new IllegalArgumentException("label key '" + printable(key) + "' is not 1-63 of A-Z a-z 0-9 . _ -");
    }
    if (value == null || !TOKEN.matcher(value).matches()) {
      throw new IllegalArgumentException("label value '" + printable(value) + "' of " + key
          + " is not 1-63 of A-Z a-z 0-9 . _ -");
    }
  }

  /**
   * @param claimed what the spoke says
   * @param pinned what its key's line pins
   * @return the claimed labels with the pinned ones over them, sorted by key, unmodifiable
   */
  public static Map<String, String> merge(Map<String, String> claimed, Map<String, String> pinned) {
    Map<String, String> out = new TreeMap<>(claimed);
    out.putAll(pinned);
    return Collections.unmodifiableMap(out);
  }

  /** @return whether {@code have} has every label of {@code want} with the same value */
  public static boolean matches(Map<String, String> have, Map<String, String> want) {
    for (Map.Entry<String, String> e : want.entrySet()) {
      if (!e.getValue().equals(have.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String printable(String s) {
    if (s == null) {
      return "null";
    }
    String cut = s.length() > 70 ? s.substring(0, 70) + "..." : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
