package io.streamrec.flink.publish;

/**
 * A Kafka topic the job writes cannot be written at all: it no longer exists, this client may not write it, or the
 * broker refuses the request for the whole topic. No restart can help until someone changes the topic or the
 * job's configuration, so the job fails for good with this message.
 */
public final class SinkTopicException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String topic;

    SinkTopicException(String topic, String problem, Throwable cause) {
        super(
                "Kafka topic '" + topic + "' cannot be written: " + problem
                        + ". Create the topic (or grant this client WRITE on it), or point the job at another topic, then"
                        + " start the job again",
                cause);
        this.topic = topic;
    }

    /** The topic that cannot be written. */
    public String topic() {
        return topic;
    }
}
