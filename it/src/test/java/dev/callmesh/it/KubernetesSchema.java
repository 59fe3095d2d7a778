package dev.callmesh.it;

import com.google.gson.Gson;
import com.google.gson.annotations.SerializedName;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks Kubernetes manifests offline against the API's own schema, as carried by the models of the
 * official Java client (Maven Central {@code io.kubernetes:client-java-api}, generated from the
 * Kubernetes OpenAPI document): each field must be one the API defines, of its type (an object, a list,
 * a string, a number, a boolean), and every required field must be there; problems are named by their
 * path, e.g. {@code spec.template.spec.containers[0].readinesProbe}. The document is then bound to the
 * model, which parses quantities ({@code 512Mi}) and the like. YAML is read by YAML 1.1 rules, as the
 * Kubernetes tools read it ({@code 0440} is octal).
 */
final class KubernetesSchema {

  /** A kind this check knows: the apiVersion it must be written with, and its model. */
  private record Model(String apiVersion, Class<?> type) {
  }

  /** The kinds deploy/k8s and deploy/k8s-cluster use; another kind is reported until it is added here. */
  private static final Map<String, Model> MODELS = Map.of(
      "Namespace", new Model("v1", V1Namespace.class),
      "Secret", new Model("v1", V1Secret.class),
      "Service", new Model("v1", V1Service.class),
      "Pod", new Model("v1", V1Pod.class),
      "Deployment", new Model("apps/v1", V1Deployment.class),
      "StatefulSet", new Model("apps/v1", V1StatefulSet.class),
      "PodDisruptionBudget", new Model("policy/v1", V1PodDisruptionBudget.class),
      "NetworkPolicy", new Model("networking.k8s.io/v1", V1NetworkPolicy.class));

  private static final Gson PLAIN = new Gson();

  private KubernetesSchema() {
  }

  /**
   * Checks every document of a YAML stream.
   *
   * @param source the name to put before each problem, e.g. the file name
   * @param yaml one or more YAML documents separated by {@code ---}
   * @return one line per problem, naming the document and the path; empty when all conform
   */
  static List<String> problems(String source, String yaml) {
    List<String> problems = new ArrayList<>();
    int index = 0;
    try {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
        index++;
        if (doc != null) {
          String where = source + " document " + index + ": ";
          document(doc).forEach(p -> problems.add(where + p));
        }
      }
    } catch (RuntimeException notYaml) {
      problems.add(source + " document " + (index + 1) + ": not YAML: " + notYaml.getMessage());
    }
    return problems;
  }

  private static List<String> document(Object doc) {
    if (!(doc instanceof Map<?, ?> object)) {
      return List.of("not a mapping but " + doc.getClass().getSimpleName());
    }
    Object kind = object.get("kind");
    Object apiVersion = object.get("apiVersion");
    Model model = MODELS.get(String.valueOf(kind));
    if (model == null) {
      return List.of("kind " + kind + " is not one this check knows (add it to KubernetesSchema.MODELS)");
    }
    if (!model.apiVersion().equals(apiVersion)) {
      return List.of("kind " + kind + " is served as apiVersion " + model.apiVersion() + ", not " + apiVersion);
    }
    String name = object.get("metadata") instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "(no name)";
    List<String> problems = new ArrayList<>();
    walk(doc, model.type(), "", problems);
    if (problems.isEmpty()) {
      try {
        JSON.getGson().fromJson(PLAIN.toJsonTree(doc), model.type());
      } catch (RuntimeException invalid) {
        problems.add(invalid.getMessage() == null ? invalid.toString() : invalid.getMessage());
      }
    }
    return problems.stream().map(p -> kind + " " + name + ": " + p).toList();
  }

  /** Checks a YAML value against a model field's Java type, adding a problem per mismatch. */
  private static void walk(Object value, Type type, String path, List<String> problems) {
    if (value == null || type == Object.class) {
      return; // null is "not set" to the API server
    }
    if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
      if (!(value instanceof List<?> list)) {
        problems.add(at(path) + "must be a list, not " + describe(value));
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), p.getActualTypeArguments()[0], path + "[" + i + "]", problems);
      }
    } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
      if (!(value instanceof Map<?, ?> map)) {
        problems.add(at(path) + "must be a mapping, not " + describe(value));
        return;
      }
      map.forEach((k, v) -> walk(v, p.getActualTypeArguments()[1], path + "." + k, problems));
    } else if (type instanceof Class<?> c && isModel(c)) {
      if (!(value instanceof Map<?, ?> map)) {
        problems.add(at(path) + "must be an object (" + c.getSimpleName() + "), not " + describe(value));
        return;
      }
      String prefix = path.isEmpty() ? "" : path + ".";
      map.forEach((k, v) -> {
        Field f = field(c, String.valueOf(k));
        if (f == null) {
          problems.add(prefix + k + ": no such field in " + c.getSimpleName());
        } else {
          walk(v, f.getGenericType(), prefix + k, problems);
        }
      });
      for (String required : requiredFields(c)) {
        if (map.get(required) == null) {
          problems.add(prefix + required + ": required by " + c.getSimpleName() + " but missing");
        }
      }
    } else if (type instanceof Class<?> c && !fits(value, c)) {
      problems.add(at(path) + "must be " + c.getSimpleName() + ", not " + describe(value));
    }
  }

  private static boolean fits(Object value, Class<?> c) {
    if (c == String.class || c == byte[].class) {
      return value instanceof String;
    }
    if (c == Integer.class || c == Long.class) {
      return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }
    if (c == Double.class || c == Float.class || c == Quantity.class) {
      return value instanceof Number || (c == Quantity.class && value instanceof String);
    }
    if (c == Boolean.class) {
      return value instanceof Boolean;
    }
    if (c == IntOrString.class) {
      return value instanceof String || value instanceof Integer;
    }
    if (c == OffsetDateTime.class) {
      return value instanceof String || value instanceof Date;
    }
    return true; // a type the models use rarely: left to the binding
  }

  private static boolean isModel(Class<?> c) {
    return c.getName().startsWith("io.kubernetes.client.openapi.models.");
  }

  /** @return the model's field that the JSON name binds to, or null */
  private static Field field(Class<?> model, String jsonName) {
    for (Class<?> c = model; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        SerializedName n = f.getAnnotation(SerializedName.class);
        if (n != null && n.value().equals(jsonName)) {
          return f;
        }
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Collection<String> requiredFields(Class<?> model) {
    try {
      return (Collection<String>) model.getField("openapiRequiredFields").get(null);
    } catch (ReflectiveOperationException e) {
      return List.of();
    }
  }

  private static String at(String path) {
    return (path.isEmpty() ? "the document" : path) + ": ";
  }

  private static String describe(Object value) {
    String text = value instanceof Map ? "a mapping" : value instanceof List ? "a list"
        : value instanceof String s ? "the string \"" + s + "\"" : value.getClass().getSimpleName() + " " + value;
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
