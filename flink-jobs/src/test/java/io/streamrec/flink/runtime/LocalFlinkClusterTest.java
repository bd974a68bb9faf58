package io.streamrec.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class LocalFlinkClusterTest {

    @Test
    void startsOnTheNextFreeWebPortWhen8081IsTaken() throws Exception {
        Optional<ServerSocket> held = hold(8081);
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(new Configuration(), 1)) {
            int port = cluster.restAddress().getPort();
            assertThat(port)
                    .as("8081 is taken (by this test or another process)")
                    .isNotEqualTo(8081)
                    .isBetween(8082, 8180);
        } finally {
            if (held.isPresent()) {
                held.get().close();
            }
        }
    }

    /** Takes the port unless someone else already has it; either way it is busy afterwards. */
    private static Optional<ServerSocket> hold(int port) {
        try {
            return Optional.of(new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0")));
        } catch (IOException alreadyTaken) {
            return Optional.empty();
        }
    }
}
