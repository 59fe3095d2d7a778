package dev.callmesh.spoke;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.spoke.bash.BashOperations;
import dev.callmesh.spoke.fs.FsOperations;
import dev.callmesh.spoke.fs.FsWatch;
import dev.callmesh.spoke.search.SearchOperations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The standard services a spoke can serve on its root ({@code fs}, {@code bash}, {@code search}). */
public final class SpokeServices {

  /** Every service name accepted by {@code --services}. */
  public static final List<String> KNOWN = List.of("fs", "bash", "search");

  private SpokeServices() {
  }

  /**
   * @param root the directory the operations are confined to
   * @param services names from {@link #KNOWN}
   * @param notYet receives the names of services this build does not serve yet
   * @return a registry with the operations of the services
   * @throws IllegalArgumentException for an unknown service name
   */
  public static OperationRegistry registry(Path root, List<String> services, java.util.function.Consumer<String> notYet) {
    OperationRegistry registry = OperationRegistry.create();
    List<String> missing = new ArrayList<>();
    for (String service : services) {
      if (!KNOWN.contains(service)) {
        throw new IllegalArgumentException("unknown service '" + service + "'; choose from " + String.join(",", KNOWN));
      }
      switch (service) {
        case "fs" -> {
          FsOperations.handlers(root).forEach((name, handler) -> registry.register(StandardSpecs.get(name), handler));
          registry.registerSubscription(StandardSpecs.get("/fs/watch"), FsWatch.handler(root));
        }
        case "bash" -> {
          registry.register(StandardSpecs.get("/bash/run"), BashOperations.run(root));
          registry.registerSubscription(StandardSpecs.get("/bash/exec"), BashOperations.exec(root));
        }
        case "search" -> {
          registry.register(StandardSpecs.get("/search/files"), SearchOperations.files(root));
          registry.registerSubscription(StandardSpecs.get("/search/grep"), SearchOperations.grep(root));
        }
        default -> missing.add(service);
      }
    }
    missing.forEach(notYet);
    return registry;
  }
}
