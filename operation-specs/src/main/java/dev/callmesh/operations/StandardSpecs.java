package dev.callmesh.operations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OperationSpecs of every standard operation (README, Operations a spoke serves; docs/PROTOCOL.md): the spoke's {@code fs}, {@code bash}
 * and {@code search} operations under their spoke-relative names ({@code /fs/readFile}), and the hub's
 * own {@code /services/*} and {@code /hub/*} operations under their full names.
 * <p>
 * The specs are JSON resources under {@value #BASE}, listed by {@code index.json} there. They are read
 * from the classpath once, on first use, and shared afterwards; {@link OperationSpec} is immutable in
 * what it exposes, but its schemas are {@link JsonObject}s: callers must not modify them.
 */
public final class StandardSpecs {

  /** The classpath folder holding the spec resources and their {@code index.json}. */
  public static final String BASE = "dev/callmesh/operations/specs/";

  private StandardSpecs() {
  }

  /** Initialization-on-demand holder: the specs load on first use, exactly once. */
  private static final class Loaded {
    static final Map<String, OperationSpec> BY_NAME = load();
  }

  /**
   * @param name an operation name, e.g. {@code /fs/readFile} or {@code /hub/spokes/list}
   * @return its spec
   * @throws IllegalArgumentException when no standard operation has that name
   */
  public static OperationSpec get(String name) {
    OperationSpec spec = Loaded.BY_NAME.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no standard operation named " + name);
    }
    return copy(spec);
  }

  /** @return a deep copy: the cached specs hold mutable JSON, which callers must not be able to change */
  private static OperationSpec copy(OperationSpec spec) {
    return OperationSpec.fromJson(spec.toJson().copy());
  }

  /**
   * @param namespace a namespace, e.g. {@code fs}, {@code bash}, {@code search}, {@code services} or {@code hub}
   * @return the specs of that namespace, in index order; empty for an unknown namespace
   */
  public static List<OperationSpec> namespace(String namespace) {
    List<OperationSpec> out = new ArrayList<>();
    for (OperationSpec spec : Loaded.BY_NAME.values()) {
      if (spec.namespace().equals(namespace)) {
        out.add(copy(spec));
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** @return every standard spec, in index order (unmodifiable) */
  public static List<OperationSpec> all() {
    return Loaded.BY_NAME.values().stream().map(StandardSpecs::copy).toList();
  }

  private static Map<String, OperationSpec> load() {
    JsonObject index = new JsonObject(resource("index.json"));
    JsonArray files = index.getJsonArray("specs");
    Map<String, OperationSpec> byName = new LinkedHashMap<>();
    for (int i = 0; i < files.size(); i++) {
      String file = files.getString(i);
      OperationSpec spec;
      try {
        spec = OperationSpec.fromJson(new JsonObject(resource(file)));
      } catch (RuntimeException e) {
        throw new IllegalStateException("standard spec " + BASE + file + " is malformed: " + e.getMessage(), e);
      }
      if (byName.put(spec.name(), spec) != null) {
        throw new IllegalStateException("standard spec " + spec.name() + " is listed twice in " + BASE + "index.json");
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  private static String resource(String file) {
    String path = BASE + file;
    try (InputStream in = StandardSpecs.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath resource " + path, e);
    }
  }
}
