package io.streamrec.model.eval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a model reports how its training goes. */
public interface TrainingProgress {

    /** A training step finished: {@code examples} seen so far in this epoch, out of {@code total}. */
    void step(int epoch, long examples, long total, double loss);

    /** An epoch finished with its mean loss. */
    void epochDone(int epoch, double meanLoss);

    TrainingProgress SILENT = new TrainingProgress() {
        @Override
        public void step(int epoch, long examples, long total, double loss) {}

        @Override
        public void epochDone(int epoch, double meanLoss) {}
    };

    /** Logs examples/s, loss and epoch at INFO, at most once per {@code intervalMillis}, and every epoch end. */
    static TrainingProgress logging(String model, long intervalMillis) {
        return new TrainingProgress() {
            private final Logger log = LoggerFactory.getLogger(TrainingProgress.class);
            private long epochStart = System.nanoTime();
            private long lastLog = epochStart;

            @Override
            public void step(int epoch, long examples, long total, double loss) {
                long now = System.nanoTime();
                if (examples <= 0 || now - lastLog < intervalMillis * 1_000_000) {
                    return;
                }
                lastLog = now;
                log.info(
                        "{} epoch {}: {}/{} examples, {} examples/s, loss {}",
                        model,
                        epoch,
                        examples,
                        total,
                        Math.round(examples / ((now - epochStart) / 1e9)),
                        String.format("%.4f", loss));
            }

            @Override
            public void epochDone(int epoch, double meanLoss) {
                long now = System.nanoTime();
                log.info(
                        "{} epoch {} done in {} s, mean loss {}",
                        model,
                        epoch,
                        String.format("%.1f", (now - epochStart) / 1e9),
                        String.format("%.4f", meanLoss));
                epochStart = now;
                lastLog = now;
            }
        };
    }
}
