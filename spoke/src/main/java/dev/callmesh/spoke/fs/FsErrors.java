package dev.callmesh.spoke.fs;

import dev.callmesh.protocol.CallException;

/**
 * The domain error codes of the {@code fs} operations (README, "Operations a spoke serves"). None is retryable: the same call fails
 * the same way until the file system changes. Confinement failures use the standard
 * {@link dev.callmesh.protocol.ErrorCode#FORBIDDEN} instead.
 */
public enum FsErrors {
  /** The path, or a directory on the way to it, does not exist. */
  FILE_NOT_FOUND,
  /** Something already exists where the operation would create something. */
  FILE_EXISTS,
  /** A directory was expected, something else was found. */
  NOT_A_DIRECTORY,
  /** A directory was found where it cannot be used (or a directory to remove is not empty). */
  IS_A_DIRECTORY;

  /** @return the string that stands for this code on the wire */
  public String wire() {
    return name();
  }

  /**
   * @param message what went wrong and what to do, for a person
   * @return a non-retryable exception carrying this code
   */
  public CallException exception(String message) {
    return new CallException(wire(), message, false, null);
  }
}
