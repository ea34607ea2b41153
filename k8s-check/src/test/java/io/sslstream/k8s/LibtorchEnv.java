package io.sslstream.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository's {@code libtorch.env} (the one source of the glibc malloc settings of every process that runs
 * libtorch) and the copies that cannot read it: the {@code ENV} of the Dockerfiles and the {@code env} of the
 * Kubernetes containers. Compares a copy with the source, naming the place and the key that differ.
 */
final class LibtorchEnv {

    /** The repository root, from k8s-check's folder (where Maven runs its tests). */
    static final Path ROOT = Path.of("..");
    static final Path SOURCE = ROOT.resolve("libtorch.env");

    private LibtorchEnv() {
    }

    /** The source's settings, in file order. */
    static Map<String, String> source() throws IOException {
        return parse(Files.readString(SOURCE));
    }

    /** {@code KEY=VALUE} lines; blank lines and {@code #} comments skipped. */
    static Map<String, String> parse(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a KEY=VALUE line: " + line);
            }
            env.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return env;
    }

    /**
     * Every variable a Dockerfile's {@code ENV} instructions set ({@code ENV K=V K2="V2"}, continuation lines joined,
     * and the old {@code ENV K V} form); later instructions win.
     */
    static Map<String, String> dockerfileEnv(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String instruction : dockerfile.replaceAll("\\\\\\R", " ").split("\\R")) {
            String line = instruction.strip();
            if (!line.regionMatches(true, 0, "ENV ", 0, 4)) {
                continue;
            }
            String rest = line.substring(4).strip();
            List<String> words = words(rest);
            if (!words.isEmpty() && !words.get(0).contains("=")) {
                env.put(words.get(0), unquote(rest.substring(rest.indexOf(words.get(0)) + words.get(0).length()).strip()));
                continue;
            }
            for (String w : words) {
                int eq = w.indexOf('=');
                env.put(w.substring(0, eq), unquote(w.substring(eq + 1)));
            }
        }
        return env;
    }

    /** Whitespace-separated words, a double-quoted stretch kept whole. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (!w.isEmpty()) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(c);
            }
        }
        if (!w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }

    private static String unquote(String v) {
        return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
                ? v.substring(1, v.length() - 1) : v;
    }

    /** The literal {@code env} entries ({@code name} and {@code value}) of a container. */
    static Map<String, String> containerEnv(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return env;
    }

    /** Every container (and init container) of every pod template or pod in a YAML document, with its path. */
    static void containers(JsonNode node, String path, Map<String, JsonNode> out) {
        if (node.isObject()) {
            for (String field : List.of("containers", "initContainers")) {
                for (JsonNode c : node.path(field)) {
                    out.put(path + "/" + field + "/" + c.path("name").asText(), c);
                }
            }
            node.fields().forEachRemaining(f -> containers(f.getValue(), path + "/" + f.getKey(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                containers(node.get(i), path + "/" + i, out);
            }
        }
    }

    /**
     * What differs between a copy and the source, one line per key, each naming {@code where}. A copy that sets none
     * of the source's keys is not a copy: nothing to report unless {@code required}.
     */
    static List<String> differences(String where, Map<String, String> copy, Map<String, String> source, boolean required) {
        List<String> problems = new ArrayList<>();
        boolean isCopy = source.keySet().stream().anyMatch(copy::containsKey);
        if (!isCopy && !required) {
            return problems;
        }
        for (Map.Entry<String, String> e : source.entrySet()) {
            String value = copy.get(e.getKey());
            if (value == null) {
                problems.add(where + ": " + e.getKey() + " is not set (libtorch.env: " + e.getValue() + ")");
            } else if (!value.equals(e.getValue())) {
                problems.add(where + ": " + e.getKey() + " is " + value + " (libtorch.env: " + e.getValue() + ")");
            }
        }
        return problems;
    }
}
