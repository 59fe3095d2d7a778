package dev.callmesh.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** How to run this CLI again from wherever the user is, for the commands it prints. */
final class CliLauncher {

  private CliLauncher() {
  }

  /**
   * @return {@code callmesh} when a {@code callmesh} command is on the PATH, else {@code java -jar} with the
   *     absolute path of the jar this runs from, else {@code callmesh}
   */
  static String command() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "callmesh"))) {
          return "callmesh";
        }
      }
    }
    try {
      Path jar = Path.of(CliLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(jar)) {
        return "java -jar " + quote(jar.toAbsolutePath().normalize().toString());
      }
    } catch (Exception unknown) {
      // no code source: fall back to the command's name
    }
    return "callmesh";
  }

  /** @return {@code s} as one shell word */
  static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
