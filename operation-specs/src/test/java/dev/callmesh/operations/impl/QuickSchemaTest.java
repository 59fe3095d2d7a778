package dev.callmesh.operations.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callmesh.operations.OperationSpec;
import dev.callmesh.operations.StandardSpecs;
import dev.callmesh.protocol.CallException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quick check never lets through what the full validator refuses: random inputs, shaped after every
 * standard operation's schema and then bent (lengths around the bounds, wrong types, extra and missing keys,
 * surrogate pairs, fractions), are checked both ways.
 */
class QuickSchemaTest {

  private static final Random RANDOM = new Random(17);

  @Test
  void whatTheQuickCheckPassesTheFullValidatorAccepts() {
    int quickSpecs = 0;
    int passedQuick = 0;
    for (OperationSpec spec : StandardSpecs.all()) {
      QuickSchema quick = QuickSchema.compile(spec.inputSchema());
      if (quick == null) {
        continue;
      }
      quickSpecs++;
      InputValidator full = new InputValidator(spec.name(), spec.inputSchema());
      for (int i = 0; i < 3_000; i++) {
        if (!(sample(spec.inputSchema(), 0) instanceof JsonObject input)) {
          continue; // an input is an object; the engine refuses anything else before it is checked
        }
        if (quick.fits(input)) {
          passedQuick++;
          try {
            full.check(input);
          } catch (CallException e) {
            throw new AssertionError(spec.name() + ": the quick check passed " + input.encode() + " but: " + e.getMessage());
          }
        }
      }
    }
    assertTrue(quickSpecs >= 15, "most standard operations get a quick check: " + quickSpecs + " of " + StandardSpecs.all().size());
    assertTrue(passedQuick > 10_000, "and it passes many inputs: " + passedQuick);
  }

  @Test
  void plainInputsPassQuicklyAndUnknownKeywordsGetNoQuickCheck() {
    QuickSchema readFile = QuickSchema.compile(StandardSpecs.get("/fs/readFile").inputSchema());
    assertNotNull(readFile);
    assertTrue(readFile.fits(new JsonObject().put("path", "README.md")));
    assertTrue(readFile.fits(new JsonObject().put("path", "a").put("encoding", "base64").put("offset", 0)));
    assertFalse(readFile.fits(new JsonObject().put("path", "")), "too short: the full validator says why");
    assertFalse(readFile.fits(new JsonObject().put("path", "a").put("encoding", "latin1")));
    assertFalse(readFile.fits(new JsonObject().put("path", "a").put("offset", -1)));
    assertFalse(readFile.fits(new JsonObject().put("path", "a").put("offset", 1.0)), "a fraction-looking number is left to it");
    assertFalse(readFile.fits(new JsonObject().put("path", "a").put("other", 1)), "additionalProperties: false");
    assertFalse(readFile.fits(new JsonObject()), "required path");
    assertNull(QuickSchema.compile(new JsonObject().put("type", "string").put("pattern", "^a")));
    assertNull(QuickSchema.compile(new JsonObject().put("oneOf", new JsonArray())));
    assertNull(QuickSchema.compile(new JsonObject().put("properties", new JsonObject().put("a", new JsonObject().put("$ref", "#")))));
    assertEquals(true, QuickSchema.compile(new JsonObject().put("description", "anything")).fits(new JsonObject()));
  }

  /** A value shaped after the schema, often bent out of it. */
  private static Object sample(Object schema, int depth) {
    if (!(schema instanceof JsonObject s) || depth > 4 || RANDOM.nextInt(20) == 0) {
      return anything(depth);
    }
    Object type = s.getValue("type");
    String t = type instanceof String x ? x : type instanceof JsonArray a && !a.isEmpty() ? a.getString(RANDOM.nextInt(a.size())) : "object";
    if (s.containsKey("enum") && RANDOM.nextInt(4) > 0) {
      JsonArray e = s.getJsonArray("enum");
      return e.getValue(RANDOM.nextInt(e.size()));
    }
    return switch (t) {
      case "string" -> string(s);
      case "integer" -> number(s, false);
      case "number" -> number(s, true);
      case "boolean" -> RANDOM.nextBoolean();
      case "array" -> {
        JsonArray a = new JsonArray();
        int n = around(s.getInteger("minItems", 0), s.getInteger("maxItems", 4));
        for (int i = 0; i < n; i++) {
          a.add(sample(s.getValue("items"), depth + 1));
        }
        yield a;
      }
      case "null" -> null;
      default -> {
        JsonObject o = new JsonObject();
        JsonObject props = s.getJsonObject("properties", new JsonObject());
        for (Map.Entry<String, Object> p : props) {
          boolean isRequired = s.getJsonArray("required", new JsonArray()).contains(p.getKey());
          if (isRequired ? RANDOM.nextInt(30) > 0 : RANDOM.nextBoolean()) {
            o.put(p.getKey(), sample(p.getValue(), depth + 1));
          }
        }
        if (RANDOM.nextInt(8) == 0) {
          o.put("extra" + RANDOM.nextInt(3), anything(depth + 1));
        }
        yield o;
      }
    };
  }

  private static String string(JsonObject s) {
    int n = around(s.getInteger("minLength", 0), s.getInteger("maxLength", 12));
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(RANDOM.nextInt(40) == 0 ? "\uD83D\uDE00" : RANDOM.nextInt(30) == 0 ? "é" : String.valueOf((char) ('a' + RANDOM.nextInt(26))));
    }
    return b.toString();
  }

  private static Object number(JsonObject s, boolean fractions) {
    long min = s.getValue("minimum") instanceof Number m ? m.longValue() : -5;
    long max = s.getValue("maximum") instanceof Number m ? m.longValue() : min + 100;
    long n = switch (RANDOM.nextInt(5)) {
      case 0 -> min - 1;
      case 1 -> max + 1;
      case 2 -> min;
      case 3 -> max;
      default -> min + (long) (RANDOM.nextDouble() * (max - min));
    };
    return switch (RANDOM.nextInt(fractions ? 4 : 8)) {
      case 0 -> n + 0.5;
      case 1 -> (double) n;
      case 2 -> Long.MAX_VALUE - RANDOM.nextInt(3);
      default -> n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE ? (Object) (int) n : (Object) n;
    };
  }

  private static int around(int min, int max) {
    int span = Math.max(0, Math.min(max, min + 40) - min);
    return switch (RANDOM.nextInt(6)) {
      case 0 -> Math.max(0, min - 1);
      case 1 -> min;
      case 2 -> max <= 10_000 ? max : min + span;
      case 3 -> max <= 10_000 ? max + 1 : min + span;
      default -> min + RANDOM.nextInt(span + 1);
    };
  }

  private static Object anything(int depth) {
    return switch (RANDOM.nextInt(depth > 3 ? 6 : 8)) {
      case 0 -> "s";
      case 1 -> 7;
      case 2 -> 2.5;
      case 3 -> true;
      case 4 -> null;
      case 5 -> -3L;
      case 6 -> new JsonObject().put("k", anything(depth + 1));
      default -> new JsonArray(List.of(1, "x"));
    };
  }
}
