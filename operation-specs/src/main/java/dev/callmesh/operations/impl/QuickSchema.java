package dev.callmesh.operations.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A quick check of the inputs that plainly fit a schema, so that the usual call pays for a few map lookups
 * instead of a full JSON Schema evaluation. It understands the keywords the operation specs use most
 * ({@code type}, {@code properties}, {@code required}, {@code additionalProperties}, {@code minLength},
 * {@code maxLength}, {@code minimum}, {@code maximum}, {@code enum} of strings, {@code items}, {@code minItems},
 * {@code maxItems}, {@code minProperties}, {@code maxProperties}) and ignores annotations; a schema with any
 * other keyword gets no quick check ({@link #compile} returns {@code null}).
 * <p>
 * It only ever says "fits" or "not sure": an input it is not sure of (one that breaks a rule, a string with
 * surrogate pairs, a number that is not a plain integer where one is wanted) goes to the full validator, which
 * decides and explains. So it can make a check faster, never change its verdict.
 */
final class QuickSchema {

  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
      "default", "examples", "deprecated", "readOnly", "writeOnly");

  private Set<String> types;  // null: any
  private Map<String, QuickSchema> properties;
  private List<String> required;
  private boolean closed;  // additionalProperties: false
  private QuickSchema additional;  // additionalProperties: a schema
  private QuickSchema items;
  private Set<String> stringEnum;
  private long minLength = -1;
  private long maxLength = -1;
  private long minItems = -1;
  private long maxItems = -1;
  private long minProperties = -1;
  private long maxProperties = -1;
  private Double minimum;
  private Double maximum;

  private QuickSchema() {
  }

  /** @return the quick check of the schema, or {@code null} when it uses a keyword the quick check does not know */
  static QuickSchema compile(Object schema) {
    if (Boolean.TRUE.equals(schema)) {
      return new QuickSchema();
    }
    if (!(schema instanceof JsonObject s)) {
      return null;
    }
    QuickSchema q = new QuickSchema();
    for (Map.Entry<String, Object> e : s) {
      if (!ANNOTATIONS.contains(e.getKey()) && !q.take(e.getKey(), e.getValue())) {
        return null;
      }
    }
    return q;
  }

  private boolean take(String keyword, Object v) {
    switch (keyword) {
      case "type" -> {
        types = new HashSet<>();
        if (v instanceof String t) {
          types.add(t);
        } else if (v instanceof JsonArray a && a.stream().allMatch(String.class::isInstance)) {
          a.forEach(t -> types.add((String) t));
        } else {
          return false;
        }
      }
      case "properties" -> {
        if (!(v instanceof JsonObject p)) {
          return false;
        }
        properties = new HashMap<>();
        for (Map.Entry<String, Object> e : p) {
          QuickSchema sub = compile(e.getValue());
          if (sub == null) {
            return false;
          }
          properties.put(e.getKey(), sub);
        }
      }
      case "required" -> {
        if (!(v instanceof JsonArray a) || !a.stream().allMatch(String.class::isInstance)) {
          return false;
        }
        required = new ArrayList<>();
        a.forEach(r -> required.add((String) r));
      }
      case "additionalProperties" -> {
        if (Boolean.FALSE.equals(v)) {
          closed = true;
        } else if ((additional = compile(v)) == null) {
          return false;
        }
      }
      case "items" -> {
        return (items = compile(v)) != null;
      }
      case "enum" -> {
        if (!(v instanceof JsonArray a) || !a.stream().allMatch(String.class::isInstance)) {
          return false;
        }
        stringEnum = new HashSet<>();
        a.forEach(x -> stringEnum.add((String) x));
      }
      case "minLength" -> minLength = count(v);
      case "maxLength" -> maxLength = count(v);
      case "minItems" -> minItems = count(v);
      case "maxItems" -> maxItems = count(v);
      case "minProperties" -> minProperties = count(v);
      case "maxProperties" -> maxProperties = count(v);
      case "minimum" -> minimum = v instanceof Number n ? n.doubleValue() : null;
      case "maximum" -> maximum = v instanceof Number n ? n.doubleValue() : null;
      default -> {
        return false;
      }
    }
    return !(keyword.startsWith("min") || keyword.startsWith("max")) || bounded(keyword);
  }

  private boolean bounded(String keyword) {
    return switch (keyword) {
      case "minimum" -> minimum != null;
      case "maximum" -> maximum != null;
      case "minLength" -> minLength >= 0;
      case "maxLength" -> maxLength >= 0;
      case "minItems" -> minItems >= 0;
      case "maxItems" -> maxItems >= 0;
      case "minProperties" -> minProperties >= 0;
      default -> maxProperties >= 0;
    };
  }

  private static long count(Object v) {
    return v instanceof Integer || v instanceof Long ? Math.max(-1, ((Number) v).longValue()) : -1;
  }

  /** @return whether the value surely fits; {@code false} means "not sure", never "does not fit" */
  boolean fits(Object value) {
    if (value instanceof String s) {
      return string(s);
    }
    if (value instanceof JsonObject o) {
      return object(o);
    }
    if (value instanceof JsonArray a) {
      return array(a);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return integer(((Number) value).longValue());
    }
    if (value instanceof Boolean) {
      return plain("boolean");
    }
    if (value == null) {
      return plain("null");
    }
    return false; // doubles, big numbers, anything else: the full validator decides
  }

  private boolean plain(String type) {
    return (types == null || types.contains(type)) && stringEnum == null;
  }

  private boolean string(String s) {
    if (!(types == null || types.contains("string"))) {
      return false;
    }
    if (stringEnum != null && !stringEnum.contains(s)) {
      return false;
    }
    if (minLength >= 0 || maxLength >= 0) {
      int n = s.length();
      if (s.codePointCount(0, n) != n) {
        return false; // surrogate pairs: let the full validator count
      }
      return (minLength < 0 || n >= minLength) && (maxLength < 0 || n <= maxLength);
    }
    return true;
  }

  private boolean integer(long n) {
    if (!(types == null || types.contains("integer") || types.contains("number")) || stringEnum != null) {
      return false;
    }
    if (minimum == null && maximum == null) {
      return true;
    }
    if (BigInteger.valueOf(n).bitLength() > 52) {
      return false; // beyond exact doubles: let the full validator compare
    }
    return (minimum == null || n >= minimum) && (maximum == null || n <= maximum);
  }

  private boolean object(JsonObject o) {
    if (!plain("object")) {
      return false;
    }
    int size = o.size();
    if ((minProperties >= 0 && size < minProperties) || (maxProperties >= 0 && size > maxProperties)) {
      return false;
    }
    if (required != null) {
      for (String r : required) {
        if (!o.containsKey(r)) {
          return false;
        }
      }
    }
    for (Map.Entry<String, Object> e : o) {
      QuickSchema p = properties == null ? null : properties.get(e.getKey());
      if (p != null) {
        if (!p.fits(e.getValue())) {
          return false;
        }
      } else if (closed || (additional != null && !additional.fits(e.getValue()))) {
        return false;
      }
    }
    return true;
  }

  private boolean array(JsonArray a) {
    if (!plain("array")) {
      return false;
    }
    int size = a.size();
    if ((minItems >= 0 && size < minItems) || (maxItems >= 0 && size > maxItems)) {
      return false;
    }
    if (items != null) {
      for (Object x : a) {
        if (!items.fits(x)) {
          return false;
        }
      }
    }
    return true;
  }
}
