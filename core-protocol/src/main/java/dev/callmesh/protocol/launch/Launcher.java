package dev.callmesh.protocol.launch;

import dev.callmesh.protocol.util.LogFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * What the {@code main} of every callmesh server process does the same way, whatever it serves: runs its
 * picocli command and turns the outcome into an exit code, chooses the log format, bounds the JSON it
 * reads, reads its {@code --config} file, waits for it to start, and stops it gracefully on SIGTERM and
 * SIGINT ({@link GracefulStop}). Every message it prints goes to stderr as {@code NAME: message}.
 * <p>
 * A {@code call()} uses it in this order: {@link #selectLogFormat} first (before anything makes a logger),
 * then the options (from {@link #readConfig}, the environment and the flags), {@link #started},
 * {@link #onSignals}. JSON limits are not the launcher's: each hub and connection carries its own.
 */
public final class Launcher {

  /** Exit code of a usage error: a bad flag, a bad value, a missing required setting. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of any other failure to run. */
  public static final int EXIT_FAILURE = 1;

  private final String name;

  private Launcher(String name) {
    this.name = name;
  }

  /**
   * @param name the program's name, printed before its messages, e.g. {@code callmesh-hub}
   * @return a launcher for that program
   */
  public static Launcher create(String name) {
    return new Launcher(name);
  }

  /** @return the program's name */
  public String name() {
    return name;
  }

  /**
   * Parses the arguments into the command and runs it.
   *
   * @param command a picocli {@code @Command} whose {@code call()} returns the exit code
   * @param args the command line
   * @return the exit code: the command's own; {@value #EXIT_USAGE} for a usage error (picocli's own, or an
   *     {@link IllegalArgumentException} from the command); {@value #EXIT_FAILURE} for any other exception.
   *     The exception's message is printed as {@code NAME: message}.
   */
  public int execute(Object command, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println(name + ": " + ex.getMessage());
      return ex instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILURE;
    });
    return cl.execute(args);
  }

  /**
   * Chooses how logs are written ({@link LogFormat#select}). Call it before anything makes a logger.
   *
   * @param flag the value of {@code --log-format}, or {@code null} for the environment's or the default
   * @return the format chosen, {@code text} or {@code json}
   * @throws IllegalArgumentException for any other value
   */
  public String selectLogFormat(String flag) {
    return LogFormat.select(flag);
  }

  /**
   * Reads a {@code --config} file.
   *
   * @param file a file holding one JSON object
   * @return the object
   * @throws IllegalArgumentException when the file cannot be read or is not a JSON object (a usage error)
   */
  public static JsonObject readConfig(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the config file " + file + ": " + e, e);
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the config file " + file + " is not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * Waits for the process's server or client to start.
   *
   * @param vertx its Vert.x instance, closed (for up to 5 s) when starting fails
   * @param starting completes once it runs
   * @param limit how long to wait, or {@code null} to wait as long as it takes
   * @return true once started; false when starting failed or took too long, the reason printed
   */
  public boolean started(Vertx vertx, Future<?> starting, Duration limit) {
    try {
      if (limit == null) {
        starting.await();
      } else {
        starting.await(limit.toMillis(), TimeUnit.MILLISECONDS);
      }
      return true;
    } catch (Exception e) {
      error(e.getMessage());
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      return false;
    }
  }

  /**
   * Stops the process gracefully on its first SIGTERM or SIGINT; see {@link GracefulStop}.
   *
   * @param stop starts the graceful stop (finish what runs, say bye, close Vert.x)
   * @param limit how long the stop may take before the process gives up waiting
   * @return the handle to wait on
   */
  public GracefulStop onSignals(Supplier<Future<?>> stop, Duration limit) {
    return GracefulStop.install(this, stop, limit);
  }

  /** Prints {@code NAME: message} on stderr. */
  public void error(String message) {
    System.err.println(name + ": " + message);
  }
}
