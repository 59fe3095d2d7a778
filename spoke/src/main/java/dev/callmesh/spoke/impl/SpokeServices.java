package dev.callmesh.spoke.impl;

import dev.callmesh.operations.OperationRegistry;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.spoke.SpokeOptions;
import dev.callmesh.spoke.bash.BashOperations;
import dev.callmesh.spoke.fs.FsOperations;
import dev.callmesh.spoke.fs.FsWatch;
import dev.callmesh.spoke.search.SearchOperations;
import dev.callmesh.spoke.work.SpokeWorkers;
import java.nio.file.Path;

/** The standard services a spoke serves on its root ({@code fs}, {@code bash}, {@code search}). */
final class SpokeServices {

  private SpokeServices() {
  }

  /**
   * @param options the root and the services to serve (names from {@link SpokeOptions#SERVICES})
   * @param workers the threads their blocking work runs on
   * @return a registry with the operations of those services
   * @throws java.io.UncheckedIOException when the root does not exist
   * @throws IllegalArgumentException when the root is not a directory
   */
  static OperationRegistry registry(SpokeOptions options, SpokeWorkers workers) {
    Path root = options.getRoot();
    OperationRegistry registry = OperationRegistry.create();
    for (String service : options.getServices()) {
      switch (service) {
        case "fs" -> {
          FsOperations.handlers(root, workers).forEach((name, handler) -> registry.register(StandardSpecs.get(name), handler));
          registry.registerSubscription(StandardSpecs.get("/fs/watch"), FsWatch.handler(root, workers));
        }
        case "bash" -> {
          registry.register(StandardSpecs.get("/bash/run"), BashOperations.run(root, workers));
          registry.registerSubscription(StandardSpecs.get("/bash/exec"), BashOperations.exec(root, workers));
        }
        case "search" -> {
          registry.register(StandardSpecs.get("/search/files"), SearchOperations.files(root, workers));
          registry.registerSubscription(StandardSpecs.get("/search/grep"), SearchOperations.grep(root, workers));
        }
        default -> throw new IllegalArgumentException("unknown service '" + service + "'");
      }
    }
    return registry;
  }
}
