package io.streamrec.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a {@code kustomization.yaml}: its fields are kustomize's, and every local file or folder it refers to
 * exists. It also tells the caller which files are patches (partial objects: fields they leave out are not
 * missing) and which folders outside the checked ones it pulls in.
 */
final class KustomizationCheck {

    /** The fields of a Kustomization (kustomize v5), including the deprecated ones it still reads. */
    static final Set<String> FIELDS = Set.of(
            "apiVersion",
            "kind",
            "metadata",
            "resources",
            "components",
            "crds",
            "bases",
            "namespace",
            "namePrefix",
            "nameSuffix",
            "commonLabels",
            "labels",
            "commonAnnotations",
            "images",
            "replicas",
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "configMapGenerator",
            "secretGenerator",
            "generatorOptions",
            "generators",
            "transformers",
            "validators",
            "vars",
            "replacements",
            "configurations",
            "openapi",
            "helmCharts",
            "helmGlobals",
            "sortOptions",
            "buildMetadata");

    static boolean isKustomizationFile(Path file) {
        String name = file.getFileName().toString();
        return name.equals("kustomization.yaml") || name.equals("kustomization.yml") || name.equals("Kustomization");
    }

    /** What a kustomization refers to, resolved against its folder. */
    record References(List<Path> resources, List<Path> patches) {}

    private final YamlDocument doc;
    private final Path folder;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Path> resources = new ArrayList<>();
    private final List<Path> patches = new ArrayList<>();

    private KustomizationCheck(YamlDocument doc, Path folder) {
        this.doc = doc;
        this.folder = folder;
    }

    static References check(YamlDocument doc, Path file, List<Problem> problems) {
        KustomizationCheck check =
                new KustomizationCheck(doc, file.toAbsolutePath().getParent());
        check.run();
        problems.addAll(check.problems);
        return new References(check.resources, check.patches);
    }

    private void run() {
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            add("", "a kustomization must be a map of kustomize's fields");
            return;
        }
        tree.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                add(name, Suggestions.unknownField(name, new TreeSet<>(FIELDS)));
            }
        });
        for (String list : List.of("resources", "bases", "components", "crds")) {
            JsonNode entries = tree.path(list);
            for (int i = 0; i < entries.size(); i++) {
                String entry = entries.get(i).asText();
                if (!isRemote(entry)) {
                    Path target = exists(list + "[" + i + "]", entry);
                    if (target != null && Files.isDirectory(target) && !hasKustomization(target)) {
                        add(
                                list + "[" + i + "]",
                                "refers to the folder '" + entry + "', which has no" + " kustomization.yaml");
                    } else if (target != null) {
                        resources.add(target);
                    }
                }
            }
        }
        JsonNode patchList = tree.path("patches");
        for (int i = 0; i < patchList.size(); i++) {
            JsonNode path = patchList.get(i).get("path");
            if (path != null) {
                Path target = exists("patches[" + i + "].path", path.asText());
                if (target != null && patchList.get(i).get("target") == null) {
                    // a strategic-merge patch file; one with a target may be a JSON 6902 op list
                    patches.add(target);
                }
            }
        }
        JsonNode strategic = tree.path("patchesStrategicMerge");
        for (int i = 0; i < strategic.size(); i++) {
            String entry = strategic.get(i).asText();
            if (!entry.contains("\n")) {
                Path target = exists("patchesStrategicMerge[" + i + "]", entry);
                if (target != null) {
                    patches.add(target);
                }
            }
        }
        for (String generator : List.of("configMapGenerator", "secretGenerator")) {
            JsonNode generators = tree.path(generator);
            for (int g = 0; g < generators.size(); g++) {
                JsonNode files = generators.get(g).path("files");
                for (int f = 0; f < files.size(); f++) {
                    String entry = files.get(f).asText();
                    String source = entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry;
                    exists(generator + "[" + g + "].files[" + f + "]", source);
                }
            }
        }
    }

    private static boolean hasKustomization(Path folder) {
        return Files.isRegularFile(folder.resolve("kustomization.yaml"))
                || Files.isRegularFile(folder.resolve("kustomization.yml"))
                || Files.isRegularFile(folder.resolve("Kustomization"));
    }

    private static boolean isRemote(String entry) {
        return entry.contains("://") || entry.startsWith("github.com/") || entry.contains("?ref=");
    }

    private Path exists(String field, String relative) {
        Path target = folder.resolve(relative).normalize();
        if (!Files.exists(target)) {
            add(field, "refers to '" + relative + "', which does not exist (looked for " + target + ")");
            return null;
        }
        return target;
    }

    private void add(String field, String message) {
        problems.add(new Problem(doc.file(), doc.lineOf(field), "Kustomization", field, message));
    }
}
