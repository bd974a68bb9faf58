package io.streamrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.EventDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Throughput of the ingestion contract: decode plus full validation of one {@code UserEvent}, in
 * JSON and in Avro binary, each against a baseline that only parses the same bytes (Jackson's
 * tree for JSON, a plain Avro reader for Avro) so the cost of the checks shows as a ratio. One
 * more run mixes in a refused event every tenth, the price of building the reasons.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> io.streamrec.bench.DecodeBenchmark [JMH options]};
 * it prints JMH's table, then ops/s and the ratio to each baseline.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecodeBenchmark {

    private static final int EVENTS = 4_096;
    private static final long NOW = 1_700_000_000_000L;

    /** What each measured path is compared with: the same bytes, parsed without any checks. */
    private static final Map<String, String> BASELINES = Map.of(
            "jsonDecodeAndValidate", "jsonBaselineTreeParse",
            "jsonDecodeTenthBad", "jsonBaselineTreeParse",
            "avroDecodeAndValidate", "avroBaselinePlainRead");

    private final EventDecoder jsonDecoder = new EventDecoder(WireFormat.JSON);
    private final EventDecoder avroDecoder = new EventDecoder(WireFormat.AVRO);
    private final ObjectMapper mapper = new ObjectMapper();
    private final SpecificDatumReader<UserEvent> plainAvroReader = new SpecificDatumReader<>(UserEvent.class);
    private BinaryDecoder reusedDecoder;

    private byte[][] keys;
    private byte[][] json;
    private byte[][] avro;
    /** The JSON events with every tenth one faulty (an unknown field and a negative weight). */
    private byte[][] jsonTenthBad;

    private int next;

    @Setup
    public void generateEvents() {
        Random random = new Random(42);
        String[] types = {"view", "view", "view", "click", "click", "fav", "cart", "buy"};
        AvroBinaryCodec<UserEvent> avroCodec = AvroBinaryCodec.of(UserEvent.class);
        keys = new byte[EVENTS][];
        json = new byte[EVENTS][];
        avro = new byte[EVENTS][];
        jsonTenthBad = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            String user = "u" + random.nextInt(100_000);
            int item = random.nextInt(1_000_000);
            UserEvent event = UserEvent.newBuilder()
                    .setEventId("e-" + Long.toHexString(random.nextLong()))
                    .setUserId(user)
                    .setItemId("i" + item)
                    .setEventType(types[random.nextInt(types.length)])
                    .setTimestamp(NOW - random.nextInt(86_400_000))
                    .setSessionId("s-" + random.nextInt(1_000_000))
                    .setLeafCategoryId("lc" + item % 5_000)
                    .setCategoryId("c" + item % 200)
                    .setShopId(random.nextBoolean() ? "shop" + item % 20_000 : null)
                    .setBrandId(random.nextBoolean() ? "b" + item % 3_000 : null)
                    .setWeight(random.nextInt(4) == 0 ? 2.0 : null)
                    .build();
            keys[i] = user.getBytes(StandardCharsets.UTF_8);
            json[i] = JsonCodecs.USER_EVENT.encode(event);
            avro[i] = avroCodec.encode(event);
            jsonTenthBad[i] = i % 10 == 0 ? faulty(json[i]) : json[i];
        }
    }

    private static byte[] faulty(byte[] goodJson) {
        String text = new String(goodJson, StandardCharsets.UTF_8);
        return (text.substring(0, text.length() - 1) + ",\"color\":\"red\",\"weight\":-1}")
                .replace("\"weight\":2.0,", "")
                .getBytes(StandardCharsets.UTF_8);
    }

    private int nextIndex() {
        next = (next + 1) & (EVENTS - 1);
        return next;
    }

    @Benchmark
    public DecodeResult<UserEvent> jsonDecodeAndValidate() {
        int i = nextIndex();
        return jsonDecoder.decode(keys[i], json[i]);
    }

    @Benchmark
    public DecodeResult<UserEvent> jsonDecodeTenthBad() {
        int i = nextIndex();
        return jsonDecoder.decode(keys[i], jsonTenthBad[i]);
    }

    @Benchmark
    public JsonNode jsonBaselineTreeParse() throws IOException {
        return mapper.readTree(json[nextIndex()]);
    }

    @Benchmark
    public DecodeResult<UserEvent> avroDecodeAndValidate() {
        int i = nextIndex();
        return avroDecoder.decode(keys[i], avro[i]);
    }

    @Benchmark
    public UserEvent avroBaselinePlainRead() throws IOException {
        reusedDecoder = DecoderFactory.get().binaryDecoder(avro[nextIndex()], reusedDecoder);
        return plainAvroReader.read(null, reusedDecoder);
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .parent(new CommandLineOptions(args))
                        .include(DecodeBenchmark.class.getName())
                        .build())
                .run();
        Map<String, Double> opsPerSecond = new TreeMap<>();
        for (RunResult r : results) {
            opsPerSecond.put(
                    r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                    r.getPrimaryResult().getScore());
        }
        System.out.printf("%n%-24s %14s %s%n", "benchmark", "ops/s", "ratio");
        opsPerSecond.forEach((name, score) -> {
            String baseline = BASELINES.get(name);
            Double base = baseline == null ? null : opsPerSecond.get(baseline);
            System.out.printf(
                    "%-24s %,14.0f %s%n",
                    name, score, base == null ? "" : String.format("%.2fx of %s", score / base, baseline));
        });
        System.out.printf(
                "cores available: %d, load average at the end: %.1f%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
