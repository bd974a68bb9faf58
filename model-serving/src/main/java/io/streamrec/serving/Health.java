package io.streamrec.serving;

/** Whether the service can answer: caught up on both topics and holding a model. */
@FunctionalInterface
public interface Health {

    /** @param detail what the service waits for, or what it serves */
    record Status(boolean ready, String detail, long modelVersion) {}

    Status status();
}
