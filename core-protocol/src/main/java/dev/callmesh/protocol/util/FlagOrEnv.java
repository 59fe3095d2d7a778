package dev.callmesh.protocol.util;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a setting the way every callmesh command line does: the flag when given, else its environment
 * variable ({@code CALLMESH_*}; an empty one counts as unset), else nothing (the option's default stays).
 */
public final class FlagOrEnv {

  private FlagOrEnv() {
  }

  /** @return the flag, else the environment variable's value, else {@code null} */
  public static String string(String flag, String env) {
    return value(flag, env, Function.identity());
  }

  /** @return the flag, else the environment variable parsed, else {@code null} */
  public static <T> T value(T flag, String env, Function<String, T> parse) {
    if (flag != null) {
      return flag;
    }
    String v = System.getenv(env);
    return v == null || v.isBlank() ? null : parse.apply(v.trim());
  }

  /** Hands the flag, else the parsed environment variable, to the setter; does nothing when neither is set. */
  public static <T> void apply(T flag, String env, Function<String, T> parse, Consumer<T> setter) {
    T v = value(flag, env, parse);
    if (v != null) {
      setter.accept(v);
    }
  }
}
