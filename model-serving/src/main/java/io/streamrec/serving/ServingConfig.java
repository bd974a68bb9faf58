package io.streamrec.serving;

import io.streamrec.serving.index.IndexSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the service runs with. Every setting has a documented default; {@link Builder#build()} checks them all
 * and names what to change.
 */
public final class ServingConfig {

    /** Ids longer than this are refused (the ingestion validator's default limit). */
    public static final int MAX_ID_LENGTH = 256;

    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_MODEL_NAME = "sdm";
    public static final String DEFAULT_USER_VECTORS_TOPIC = "user-vectors";
    public static final String DEFAULT_MODEL_UPDATES_TOPIC = "model-updates";
    public static final int DEFAULT_MAX_K = 1_000;
    public static final int DEFAULT_K = 50;
    public static final int DEFAULT_MAX_SESSION_ITEMS = 50;
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** 0 stands for twice the cores, at least 4. */
    public static final int DEFAULT_HTTP_THREADS_TEXT = 0;

    public static final int DEFAULT_HTTP_THREADS =
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    public static final int DEFAULT_HTTP_QUEUE = 1_000;
    public static final long DEFAULT_STORE_CACHE_BYTES = 64L << 20;
    public static final long DEFAULT_STORE_WRITE_BUFFER_BYTES = 32L << 20;

    private final String bootstrapServers;
    private final Map<String, String> kafkaProperties;
    private final String bindAddress;
    private final int port;
    private final String modelName;
    private final String userVectorsTopic;
    private final String modelUpdatesTopic;
    private final Path dataDir;
    private final String authToken;
    private final Path tlsKeyStore;
    private final String tlsKeyStorePassword;
    private final int maxK;
    private final int maxSessionItems;
    private final int maxBodyBytes;
    private final int httpThreads;
    private final int httpQueue;
    private final double diversityWeight;
    private final IndexSettings index;
    private final long storeCacheBytes;
    private final long storeWriteBufferBytes;

    private ServingConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.modelName = b.modelName;
        this.userVectorsTopic = b.userVectorsTopic;
        this.modelUpdatesTopic = b.modelUpdatesTopic;
        this.dataDir = b.dataDir;
        this.authToken = b.authToken;
        this.tlsKeyStore = b.tlsKeyStore;
        this.tlsKeyStorePassword = b.tlsKeyStorePassword;
        this.maxK = b.maxK;
        this.maxSessionItems = b.maxSessionItems;
        this.maxBodyBytes = b.maxBodyBytes;
        this.httpThreads = b.httpThreads;
        this.httpQueue = b.httpQueue;
        this.diversityWeight = b.diversityWeight;
        this.index = b.index;
        this.storeCacheBytes = b.storeCacheBytes;
        this.storeWriteBufferBytes = b.storeWriteBufferBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Extra Kafka client settings (security and the like). */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    public String bindAddress() {
        return bindAddress;
    }

    /** The HTTP port; 0 picks a free one. Default {@value #DEFAULT_PORT}. */
    public int port() {
        return port;
    }

    /** The model followed on model-updates and whose user vectors are served. Default {@value #DEFAULT_MODEL_NAME}. */
    public String modelName() {
        return modelName;
    }

    public String userVectorsTopic() {
        return userVectorsTopic;
    }

    public String modelUpdatesTopic() {
        return modelUpdatesTopic;
    }

    /** Where the user-vector store lives. */
    public Path dataDir() {
        return dataDir;
    }

    /** The bearer token /v1 requests must carry; null when none is required. */
    public String authToken() {
        return authToken;
    }

    /** The key store (PKCS12 or JKS) whose key and certificate the service answers HTTPS with; null for plain HTTP. */
    public Path tlsKeyStore() {
        return tlsKeyStore;
    }

    /** The password of {@link #tlsKeyStore()} and of the key in it; null when there is no key store. */
    public String tlsKeyStorePassword() {
        return tlsKeyStorePassword;
    }

    /** Whether the service answers HTTPS only. */
    public boolean tls() {
        return tlsKeyStore != null;
    }

    /** Largest k a request may ask for. Default {@value #DEFAULT_MAX_K}. */
    public int maxK() {
        return maxK;
    }

    /** Most items a cold session may hold. Default {@value #DEFAULT_MAX_SESSION_ITEMS}. */
    public int maxSessionItems() {
        return maxSessionItems;
    }

    /** Largest request body. Default 64 KiB. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Threads answering requests. Default twice the cores, at least 4. */
    public int httpThreads() {
        return httpThreads;
    }

    /** Requests waiting for a thread; past it the server's accepting thread answers them itself. */
    public int httpQueue() {
        return httpQueue;
    }

    /** λ of the multi-interest merge (see {@code Retrieval}). Default 0. */
    public double diversityWeight() {
        return diversityWeight;
    }

    public IndexSettings index() {
        return index;
    }

    public long storeCacheBytes() {
        return storeCacheBytes;
    }

    public long storeWriteBufferBytes() {
        return storeWriteBufferBytes;
    }

    /** Builds a {@link ServingConfig}; unset options keep their documented defaults. */
    public static final class Builder {
        private String bootstrapServers;
        private Map<String, String> kafkaProperties = Map.of();
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int port = DEFAULT_PORT;
        private String modelName = DEFAULT_MODEL_NAME;
        private String userVectorsTopic = DEFAULT_USER_VECTORS_TOPIC;
        private String modelUpdatesTopic = DEFAULT_MODEL_UPDATES_TOPIC;
        private Path dataDir = Path.of("streamrec-serving");
        private String authToken;
        private Path tlsKeyStore;
        private String tlsKeyStorePassword;
        private int maxK = DEFAULT_MAX_K;
        private int maxSessionItems = DEFAULT_MAX_SESSION_ITEMS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int httpThreads = DEFAULT_HTTP_THREADS;
        private int httpQueue = DEFAULT_HTTP_QUEUE;
        private double diversityWeight;
        private IndexSettings index = IndexSettings.defaults();
        private long storeCacheBytes = DEFAULT_STORE_CACHE_BYTES;
        private long storeWriteBufferBytes = DEFAULT_STORE_WRITE_BUFFER_BYTES;

        private Builder() {}

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder kafkaProperties(Map<String, String> properties) {
            this.kafkaProperties = Objects.requireNonNull(properties);
            return this;
        }

        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder modelName(String name) {
            this.modelName = name;
            return this;
        }

        public Builder userVectorsTopic(String topic) {
            this.userVectorsTopic = topic;
            return this;
        }

        public Builder modelUpdatesTopic(String topic) {
            this.modelUpdatesTopic = topic;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder authToken(String token) {
            this.authToken = token;
            return this;
        }

        /** Answer HTTPS with the key and certificate in {@code keyStore}, opened with {@code password}. */
        public Builder tls(Path keyStore, String password) {
            this.tlsKeyStore = keyStore;
            this.tlsKeyStorePassword = password;
            return this;
        }

        public Builder maxK(int maxK) {
            this.maxK = maxK;
            return this;
        }

        public Builder maxSessionItems(int items) {
            this.maxSessionItems = items;
            return this;
        }

        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /** 0 keeps the default (twice the cores, at least 4). */
        public Builder httpThreads(int threads) {
            this.httpThreads = threads == 0 ? DEFAULT_HTTP_THREADS : threads;
            return this;
        }

        public Builder httpQueue(int queue) {
            this.httpQueue = queue;
            return this;
        }

        public Builder diversityWeight(double weight) {
            this.diversityWeight = weight;
            return this;
        }

        public Builder index(IndexSettings settings) {
            this.index = Objects.requireNonNull(settings);
            return this;
        }

        public Builder storeCacheBytes(long bytes) {
            this.storeCacheBytes = bytes;
            return this;
        }

        public Builder storeWriteBufferBytes(long bytes) {
            this.storeWriteBufferBytes = bytes;
            return this;
        }

        /**
         * Checks every option and reports all problems in one message.
         *
         * @throws IllegalArgumentException naming each bad option and what to set instead
         */
        public ServingConfig build() {
            List<String> problems = new ArrayList<>();
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                problems.add("bootstrap servers are required (host:port of the Kafka the job writes to)");
            }
            if (port < 0 || port > 65_535) {
                problems.add("port must be 0 (any free port) to 65535, got " + port);
            }
            if (modelName == null || modelName.isBlank()) {
                problems.add("model name is required (the model the job trains, e.g. sdm)");
            }
            if (maxK < 1) {
                problems.add("maxK must be at least 1, got " + maxK);
            }
            if (maxSessionItems < 1) {
                problems.add("maxSessionItems must be at least 1, got " + maxSessionItems);
            }
            if (maxBodyBytes < 256) {
                problems.add("maxBodyBytes must be at least 256, got " + maxBodyBytes);
            }
            if (httpThreads < 1 || httpQueue < 0) {
                problems.add("httpThreads must be at least 1 and httpQueue at least 0, got " + httpThreads + " and "
                        + httpQueue);
            }
            if (!(diversityWeight >= 0) || Double.isInfinite(diversityWeight)) {
                problems.add("diversityWeight must be >= 0 (0 merges interests by best score), got " + diversityWeight);
            }
            if (authToken != null && authToken.isBlank()) {
                problems.add("the auth token is empty; put the token in the file or leave the option out");
            }
            if (tlsKeyStore != null && (tlsKeyStorePassword == null || tlsKeyStorePassword.isEmpty())) {
                problems.add("the TLS key store needs its password (a key store without one cannot hold a key)");
            }
            if (storeCacheBytes < (1 << 20) || storeWriteBufferBytes < (1 << 20)) {
                problems.add("the store's cache and write buffer must be at least 1 MiB each");
            }
            if (dataDir == null) {
                problems.add("a data directory is required for the user-vector store");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid serving configuration: " + String.join("; ", problems));
            }
            return new ServingConfig(this);
        }
    }
}
