package io.streamrec.bench.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.encode.sdm.SdmConfig;
import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineConfig;
import io.streamrec.model.encode.sine.SineEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Forward throughput of the SDM and SINE encoders (grad mode off), in users per second at batch 1 and 256
 * with T=50 and D=64, beside a roofline measured in the same run: one square DJL matmul per batch doing the
 * same number of multiply-adds as the encoder's dominant products ({@link EncoderFlops}), i.e. what this
 * machine's matmul reaches on that much work when nothing else is in the way.
 *
 * <pre>
 * ./mvnw -B -o -q -pl benchmarks -am -DskipTests compile dependency:build-classpath -Dmdep.outputFile=$PWD/bench.classpath
 * java -Dai.djl.offline=true -cp "$(cat bench.classpath):benchmarks/target/classes" \
 *     io.streamrec.bench.encode.EncoderBenchmark [--seconds 3] [--batches 1,256] [--torch-threads N]
 * </pre>
 *
 * <p>{@code --torch-threads 1} is the fair setting on a shared 2-core machine: with PyTorch's default of one
 * intra-op thread per core, a loaded machine made small operators many times slower.
 *
 * <p>Then, unless {@code --no-operator-path}, {@link OperatorPathBenchmark}: the encoder operator's own path on
 * realistic snapshots, padded against bucketed by session length against bucketed with SDM's long-term cache.
 *
 * <p>Each result is printed with the load average at start and end; only the ratios within one run compare.
 *
 */
public final class EncoderBenchmark {

    private static final int STEPS = 50;
    private static final int LONG_TERM = 20;
    /** D_item = 64 = D, so SINE needs no input projection; D_user = 16. */
    private static final EncoderDimensions DIMS = new EncoderDimensions(new int[] {32, 8, 8, 8, 8}, 16, 64);

    private EncoderBenchmark() {}

    public static void main(String[] args) {
        double seconds = 3;
        int[] batches = {1, 256};
        int torchThreads = 0;
        boolean operatorPath = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--batches" ->
                    batches = java.util.Arrays.stream(args[++i].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--torch-threads" -> torchThreads = Integer.parseInt(args[++i]);
                case "--no-operator-path" -> operatorPath = false;
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --seconds S, --batches 1,256, --torch-threads N, --no-operator-path");
            }
        }
        Engine.getInstance();
        if (torchThreads > 0) {
            JniUtils.setNumThreads(torchThreads);
        }
        JniUtils.setGradMode(false);
        System.out.printf(
                Locale.ROOT,
                "encoder forward, grad off, T=%d, D=%d, D_item=%d, L_f=%d, torch threads=%d, load %s%n",
                STEPS,
                DIMS.outputDim(),
                DIMS.itemInputDim(),
                LONG_TERM,
                JniUtils.getNumThreads(),
                loadAverage());
        System.out.printf(
                Locale.ROOT,
                "%-6s %6s %12s %12s %10s %14s %12s %10s%n",
                "model",
                "batch",
                "MFLOP/user",
                "users/s",
                "GFLOP/s",
                "roofline u/s",
                "roof GFLOP/s",
                "% roofline");

        SdmConfig sdmConfig = SdmConfig.defaults();
        SineConfig sineConfig = SineConfig.defaults();
        List<Candidate> candidates = List.of(
                new Candidate(new SdmEncoder(DIMS, sdmConfig), EncoderFlops.sdm(DIMS, sdmConfig, STEPS, LONG_TERM)),
                new Candidate(new SineEncoder(DIMS, sineConfig), EncoderFlops.sine(DIMS, sineConfig, STEPS)));
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Candidate candidate : candidates) {
                UserEncoder encoder = candidate.encoder();
                encoder.block()
                        .initialize(manager, DataType.FLOAT32, input(manager, 2).getShapes());
                for (int batch : batches) {
                    NDList input = input(manager, batch);
                    ParameterStore store = new ParameterStore(manager, false);
                    double users = rate(
                            batch,
                            seconds,
                            manager,
                            input,
                            in -> encoder.block().forward(store, in, false));
                    // a cube-shaped matmul with the batch's multiply-adds: compute-bound, unlike a thin one whose
                    // output write dominates
                    long side = Math.max(1, Math.round(Math.cbrt((double) batch * candidate.macsPerUser())));
                    NDList operands = new NDList(
                            manager.randomNormal(new Shape(side, side)), manager.randomNormal(new Shape(side, side)));
                    double cubesPerSecond =
                            rate(1, seconds, manager, operands, in -> in.get(0).matMul(in.get(1)));
                    double roofline = cubesPerSecond * side * side * side / candidate.macsPerUser();
                    System.out.printf(
                            Locale.ROOT,
                            "%-6s %6d %12.2f %12.0f %10.2f %14.0f %12.2f %9.1f%%%n",
                            encoder.name(),
                            batch,
                            2.0 * candidate.macsPerUser() / 1e6,
                            users,
                            gflops(users, candidate),
                            roofline,
                            gflops(roofline, candidate),
                            100 * users / roofline);
                }
            }
        }
        if (operatorPath) {
            for (int batch : batches) {
                OperatorPathBenchmark.run(batch, seconds);
            }
        }
        System.out.println("load at end " + loadAverage());
    }

    private record Candidate(UserEncoder encoder, long macsPerUser) {}

    private static double gflops(double usersPerSecond, Candidate candidate) {
        return usersPerSecond * 2.0 * candidate.macsPerUser() / 1e9;
    }

    /** Users per second of {@code pass} over {@code seconds}, after a warm-up; each pass frees its results. */
    private static double rate(int batch, double seconds, NDManager manager, NDList input, Consumer<NDList> pass) {
        long warmUpEnd = System.nanoTime() + (long) (Math.min(1.0, seconds / 3) * 1e9);
        while (System.nanoTime() < warmUpEnd) {
            runScoped(manager, input, pass);
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long passes = 0;
        while (System.nanoTime() < end || passes < 3) {
            runScoped(manager, input, pass);
            passes++;
        }
        return passes * (double) batch / ((System.nanoTime() - start) / 1e9);
    }

    private static void runScoped(NDManager manager, NDList input, Consumer<NDList> pass) {
        try (NDManager scope = manager.newSubManager()) {
            input.tempAttach(scope);
            pass.accept(input);
        }
    }

    /** A batch with every session full (T=50) and every long-term list at {@value #LONG_TERM}. */
    private static NDList input(NDManager manager, int batch) {
        List<NDArray> arrays = new ArrayList<>();
        for (int i = 0; i < EncoderInput.SIZE; i++) {
            arrays.add(null);
        }
        arrays.set(EncoderInput.SESSION, manager.randomNormal(new Shape(batch, STEPS, DIMS.itemInputDim())));
        arrays.set(EncoderInput.SESSION_MASK, manager.ones(new Shape(batch, STEPS)));
        for (Feature f : Feature.values()) {
            arrays.set(EncoderInput.longTerm(f), manager.randomNormal(new Shape(batch, LONG_TERM, DIMS.featureDim(f))));
            arrays.set(EncoderInput.longTermMask(f), manager.ones(new Shape(batch, LONG_TERM)));
        }
        arrays.set(EncoderInput.USER, manager.randomNormal(new Shape(batch, DIMS.userDim())));
        return new NDList(arrays);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
