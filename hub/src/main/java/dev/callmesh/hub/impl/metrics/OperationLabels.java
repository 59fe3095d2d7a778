package dev.callmesh.hub.impl.metrics;

import dev.callmesh.hub.SpokeInfo;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@code spoke} and {@code operation} labels of a call's metrics. They come from what the hub
 * knows, never from the caller's text alone, so a client cannot make up new series: a path that names
 * no operation of a connected spoke or of the hub is labelled {@value #UNKNOWN}.
 *
 * <pre>
 *   /dev1/fs/readFile     spoke="dev1"     operation="/fs/readFile"     (dev1 is connected and serves it)
 *   /dev1/fs/nosuch       spoke="dev1"     operation="unknown"          (dev1 is connected, no such operation)
 *   /dev9/fs/readFile     spoke="unknown"  operation="unknown"          (no spoke dev9 is connected)
 *   /services/list        spoke="hub"      operation="/services/list"   (served by the hub itself)
 * </pre>
 *
 * @param spoke the spoke name, {@value #HUB} for the hub's own operations, or {@value #UNKNOWN}
 * @param operation the operation path relative to the spoke (the full path for the hub's own), or
 *     {@value #UNKNOWN}
 */
public record OperationLabels(String spoke, String operation) {

  /** The {@code spoke} label of the operations the hub serves itself ({@code /services/*}, {@code /hub/*}). */
  public static final String HUB = "hub";
  /** The label value of a spoke or operation the hub does not know. */
  public static final String UNKNOWN = "unknown";
  /** The label value of operations past the cap on distinct series. */
  public static final String OTHER = "other";
  /** The labels of a path that names no connected spoke. */
  public static final OperationLabels NOWHERE = new OperationLabels(UNKNOWN, UNKNOWN);
  /** The labels of every operation past the cap on distinct series. */
  public static final OperationLabels OVERFLOW = new OperationLabels(OTHER, OTHER);

  /**
   * @param path the operation path as the caller sent it, e.g. {@code /dev1/fs/readFile}
   * @param spokes the connected spoke of a name, or {@code null}
   * @param hubServes whether the hub serves a {@code /services/*} or {@code /hub/*} path itself
   * @return the labels of a call to the path
   */
  public static OperationLabels resolve(String path, Function<String, SpokeInfo> spokes, Predicate<String> hubServes) {
    if (path.startsWith("/services/") || path.startsWith("/hub/")) {
      return new OperationLabels(HUB, hubServes.test(path) ? path : UNKNOWN);
    }
    int slash = path.indexOf('/', 1);
    if (!path.startsWith("/") || slash < 0) {
      return NOWHERE;
    }
    SpokeInfo spoke = spokes.apply(path.substring(1, slash));
    if (spoke == null) {
      return NOWHERE;
    }
    String relative = path.substring(slash);
    return new OperationLabels(spoke.name(), spoke.operation(relative) == null ? UNKNOWN : relative);
  }

  /** @return whether both labels name what a connected spoke or the hub serves */
  public boolean known() {
    return !operation.equals(UNKNOWN) && !operation.equals(OTHER);
  }
}
