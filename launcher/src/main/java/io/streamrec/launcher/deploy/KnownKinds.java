package io.streamrec.launcher.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.CustomResource;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.bridge.KafkaBridge;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds whose Java model is on the classpath, by {@code apiVersion} and {@code kind}: every kind of fabric8's
 * Kubernetes model (the built-in kinds, and the Prometheus Operator's ServiceMonitor and PodMonitor), found through
 * the service files the model jars ship, and Strimzi's custom resources in every version its API serves.
 */
final class KnownKinds {

    private static final String FABRIC8_SERVICES = "META-INF/services/" + KubernetesResource.class.getName();
    private static final List<Class<? extends CustomResource<?, ?>>> STRIMZI = List.of(
            Kafka.class,
            KafkaNodePool.class,
            KafkaTopic.class,
            KafkaUser.class,
            KafkaConnect.class,
            KafkaConnector.class,
            KafkaMirrorMaker2.class,
            KafkaBridge.class,
            KafkaRebalance.class);

    /** Which project's model a kind comes from, for the report. */
    enum Source {
        KUBERNETES("fabric8 Kubernetes model"),
        STRIMZI("Strimzi API model");

        final String description;

        Source(String description) {
            this.description = description;
        }
    }

    record Model(Class<?> type, Source source) {}

    private final Map<String, Model> models;

    private KnownKinds(Map<String, Model> models) {
        this.models = models;
    }

    static KnownKinds load() {
        Map<String, Model> models = new HashMap<>();
        ClassLoader loader = KnownKinds.class.getClassLoader();
        try {
            Enumeration<URL> services = loader.getResources(FABRIC8_SERVICES);
            while (services.hasMoreElements()) {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(services.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        register(models, line.strip(), loader);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Kubernetes model's kinds from the classpath", e);
        }
        for (Class<? extends CustomResource<?, ?>> type : STRIMZI) {
            String kind = Crds.kind(type);
            for (String apiVersion : Crds.apiVersions(type)) {
                models.put(key(apiVersion, kind), new Model(type, Source.STRIMZI));
            }
        }
        return new KnownKinds(Map.copyOf(models));
    }

    private static void register(Map<String, Model> models, String className, ClassLoader loader) {
        if (className.isEmpty() || className.startsWith("#")) {
            return;
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return;
        }
        if (HasMetadata.class.isAssignableFrom(type)
                && !type.isInterface()
                && !Modifier.isAbstract(type.getModifiers())) {
            @SuppressWarnings("unchecked")
            Class<? extends HasMetadata> resource = (Class<? extends HasMetadata>) type;
            String apiVersion = HasMetadata.getApiVersion(resource);
            if (apiVersion != null) {
                models.putIfAbsent(key(apiVersion, HasMetadata.getKind(resource)), new Model(type, Source.KUBERNETES));
            }
        }
    }

    Optional<Model> modelOf(String apiVersion, String kind) {
        return Optional.ofNullable(models.get(key(apiVersion, kind)));
    }

    /** Whether any version of {@code kind} is known (for "wrong apiVersion" rather than "unknown kind"). */
    List<String> versionsOf(String kind) {
        return models.keySet().stream()
                .filter(k -> k.endsWith(" " + kind))
                .map(k -> k.substring(0, k.indexOf(' ')))
                .sorted()
                .toList();
    }

    List<String> kinds() {
        return models.keySet().stream()
                .map(k -> k.substring(k.indexOf(' ') + 1))
                .distinct()
                .sorted()
                .toList();
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }
}
