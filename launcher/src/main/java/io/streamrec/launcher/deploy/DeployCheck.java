package io.streamrec.launcher.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checks streamrec's deployment files without a cluster: Kubernetes manifests (every {@code *.yaml} under the given
 * folders, and whatever their kustomizations pull in from elsewhere) and a Compose file.
 *
 * <ul>
 *   <li>Built-in kinds and the Prometheus Operator's kinds: read strictly into fabric8's Kubernetes model.
 *   <li>Strimzi's kinds ({@code Kafka}, {@code KafkaNodePool}, {@code KafkaTopic} ...): read strictly into Strimzi's
 *       own API model.
 *   <li>Any kind whose CustomResourceDefinition is in the {@code crds} folder (the Flink Kubernetes Operator's
 *       {@code FlinkDeployment}): validated against the CRD's OpenAPI schema, its metadata against fabric8's.
 *   <li>Kustomizations: kustomize's fields, and every file they name exists. Patch files are checked as partial
 *       objects.
 *   <li>The Compose file: against the Compose Specification's JSON schema, and its references between services
 *       and volumes.
 * </ul>
 *
 * An unknown or misspelt field, a value of the wrong type, an unknown kind and unreadable YAML are problems, each
 * naming its file, line, object and field. An object of the Flink operator's API group with no CRD to check it
 * against is reported as not checked, with the reason.
 */
public final class DeployCheck {

    static final String FLINK_GROUP = "flink.apache.org";
    static final String FLINK_NOT_CHECKED = "the Flink Kubernetes Operator's API has no Java model on Maven Central,"
            + " so its kinds are checked against the operator's CustomResourceDefinitions: pass --crds DIR with"
            + " flinkdeployments.flink.apache.org-v1.yml from the operator's Helm chart (crds/)";

    /**
     * @param k8s files or folders of Kubernetes manifests
     * @param compose a Compose file
     * @param crds a folder of CustomResourceDefinition files (and optionally a newer {@code compose-spec.json})
     */
    public record Options(List<Path> k8s, Optional<Path> compose, Optional<Path> crds) {
        public Options {
            k8s = List.copyOf(k8s);
        }
    }

    private final KnownKinds kinds = KnownKinds.load();
    private final StrictModelCheck strict = new StrictModelCheck();
    private final Path base;

    /** @param base the folder paths are shown relative to (the user's working directory) */
    public DeployCheck(Path base) {
        this.base = base.toAbsolutePath().normalize();
    }

    /**
     * Runs the checks. A path that does not exist is the caller's mistake, not a finding: it throws {@link
     * NoSuchFileException} naming the option.
     */
    public DeployReport run(Options options) throws IOException {
        for (Path p : options.k8s()) {
            requireExists(p, "--k8s");
        }
        if (options.compose().isPresent()) {
            requireExists(options.compose().get(), "--compose");
            if (Files.isDirectory(options.compose().get())) {
                throw new IllegalArgumentException(
                        "--compose " + options.compose().get() + " is a folder; name the"
                                + " Compose file (e.g. docker/compose.yaml)");
            }
        }
        List<Problem> problems = new ArrayList<>();
        CrdSchemas crds = CrdSchemas.none();
        if (options.crds().isPresent()) {
            Path folder = options.crds().get();
            requireExists(folder, "--crds");
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("--crds " + folder + " is not a folder; name the folder that holds"
                        + " the CustomResourceDefinition files");
            }
            crds = CrdSchemas.read(folder, problems);
        }

        List<String> objects = new ArrayList<>();
        List<DeployReport.NotChecked> notChecked = new ArrayList<>();
        int files = checkManifests(options.k8s(), crds, objects, notChecked, problems);
        if (options.compose().isPresent()) {
            Path file = options.compose().get();
            ComposeCheck compose = ComposeCheck.load(options.crds());
            YamlFiles.Parsed parsed = YamlFiles.read(file, shown(file));
            problems.addAll(parsed.problems());
            files++;
            if (parsed.problems().isEmpty()) {
                if (parsed.documents().size() != 1) {
                    problems.add(new Problem(
                            shown(file),
                            0,
                            "",
                            "",
                            "a Compose file holds one YAML document, found "
                                    + parsed.documents().size()));
                } else {
                    problems.addAll(compose.check(parsed.documents().get(0)));
                    objects.add(shown(file) + ": Compose file: " + compose.schemaSource());
                }
            }
        }
        return new DeployReport(objects, notChecked, problems, files);
    }

    private int checkManifests(
            List<Path> roots,
            CrdSchemas crds,
            List<String> objects,
            List<DeployReport.NotChecked> notChecked,
            List<Problem> problems)
            throws IOException {
        Deque<Path> pending = new ArrayDeque<>();
        for (Path root : roots) {
            pending.addAll(yamlFilesUnder(root));
        }
        Set<Path> seen = new LinkedHashSet<>();
        Set<Path> patches = new LinkedHashSet<>();
        List<Path> ordered = new ArrayList<>();
        // kustomizations first: they say which files are patches and which folders elsewhere they pull in
        while (!pending.isEmpty()) {
            Path file = pending.poll().toAbsolutePath().normalize();
            if (!seen.add(file)) {
                continue;
            }
            ordered.add(file);
            if (!KustomizationCheck.isKustomizationFile(file)) {
                continue;
            }
            YamlFiles.Parsed parsed = YamlFiles.read(file, shown(file));
            problems.addAll(parsed.problems());
            for (YamlDocument doc : parsed.documents()) {
                KustomizationCheck.References refs = KustomizationCheck.check(doc, file, problems);
                patches.addAll(refs.patches().stream()
                        .map(p -> p.toAbsolutePath().normalize())
                        .toList());
                for (Path resource : refs.resources()) {
                    // a folder named as a resource is a kustomization of its own: what it lists is what counts
                    pending.addAll(Files.isDirectory(resource) ? kustomizationIn(resource) : List.of(resource));
                }
            }
        }
        for (Path file : ordered) {
            if (KustomizationCheck.isKustomizationFile(file)) {
                continue;
            }
            YamlFiles.Parsed parsed = YamlFiles.read(file, shown(file));
            problems.addAll(parsed.problems());
            for (YamlDocument doc : parsed.documents()) {
                checkObject(doc, patches.contains(file), crds, objects, notChecked, problems);
            }
        }
        return ordered.size();
    }

    private void checkObject(
            YamlDocument doc,
            boolean partial,
            CrdSchemas crds,
            List<String> objects,
            List<DeployReport.NotChecked> notChecked,
            List<Problem> problems) {
        String where = doc.file() + ": " + doc.describe();
        if (!doc.tree().isObject()) {
            problems.add(new Problem(
                    doc.file(),
                    doc.lineOf(""),
                    "",
                    "",
                    "is not a Kubernetes object (a map with" + " apiVersion and kind)"));
            return;
        }
        Optional<String> apiVersion = doc.text("apiVersion");
        Optional<String> kind = doc.text("kind");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            problems.add(new Problem(
                    doc.file(),
                    doc.lineOf(""),
                    doc.describe(),
                    apiVersion.isEmpty() ? "apiVersion" : "kind",
                    "missing: every Kubernetes object names its apiVersion and kind"));
            return;
        }
        Optional<KnownKinds.Model> model = kinds.modelOf(apiVersion.get(), kind.get());
        if (model.isPresent()) {
            problems.addAll(strict.check(doc, doc.tree(), "", model.get().type()));
            objects.add(where + ": " + model.get().source().description);
            return;
        }
        Optional<CrdSchemas.Schema> schema = crds.schemaOf(apiVersion.get(), kind.get());
        if (schema.isPresent()) {
            if (doc.tree().has("metadata")) {
                problems.addAll(strict.check(doc, doc.tree().get("metadata"), "metadata", ObjectMeta.class));
            }
            problems.addAll(StructuralSchemaCheck.check(doc, schema.get().openApiV3(), partial));
            objects.add(where + ": CRD schema in " + schema.get().source());
            return;
        }
        String group = apiVersion.get().contains("/")
                ? apiVersion.get().substring(0, apiVersion.get().indexOf('/'))
                : "";
        if (group.equals(FLINK_GROUP) && crds.folder().isEmpty()) {
            notChecked.add(new DeployReport.NotChecked(where, FLINK_NOT_CHECKED));
            return;
        }
        List<String> versions = kinds.versionsOf(kind.get());
        String message;
        if (!versions.isEmpty()) {
            message = "apiVersion '" + apiVersion.get() + "' has no kind '" + kind.get() + "'; " + kind.get()
                    + " is served as " + String.join(", ", versions);
        } else {
            Optional<String> close = Suggestions.closest(kind.get(), kinds.kinds());
            message = "unknown kind '" + kind.get() + "' (apiVersion " + apiVersion.get() + "): "
                    + close.map(c -> "did you mean '" + c + "'? ").orElse("")
                    + (crds.folder().isPresent()
                            ? "Neither a model here nor a CustomResourceDefinition in "
                                    + crds.folder().get() + " describes it"
                            : "for a custom resource, pass --crds DIR with its CustomResourceDefinition");
        }
        problems.add(new Problem(doc.file(), doc.lineOf("kind"), doc.describe(), "kind", message));
    }

    private static List<Path> yamlFilesUnder(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".yaml") || name.endsWith(".yml") || name.equals("Kustomization");
                    })
                    .sorted()
                    .toList();
        }
    }

    private static List<Path> kustomizationIn(Path folder) {
        return Stream.of("kustomization.yaml", "kustomization.yml", "Kustomization")
                .map(folder::resolve)
                .filter(Files::isRegularFile)
                .limit(1)
                .toList();
    }

    private static void requireExists(Path path, String option) throws NoSuchFileException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, option);
        }
    }

    private String shown(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
    }
}
