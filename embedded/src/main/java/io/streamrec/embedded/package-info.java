/**
 * Infrastructure that runs inside the streamrec JVM for the embedded mode and the integration tests: a real
 * single-node KRaft Kafka broker started from the Kafka jars ({@link io.streamrec.embedded.EmbeddedKafkaBroker}).
 */
package io.streamrec.embedded;
