package io.streamrec.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void listensOnLoopbackUnlessToldToBindEveryInterface() throws Exception {
        assumeTrue(ListeningSockets.available(), "reads this JVM's sockets from Linux /proc");
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(new Configuration(), 1)) {
            int rest = cluster.restAddress().getPort();
            assertThat(ListeningSockets.ofThisJvm()).anySatisfy(l -> {
                assertThat(l.port()).isEqualTo(rest);
                assertThat(l.loopback()).isTrue();
            });
        }
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(new Configuration(), 1, "0.0.0.0")) {
            int rest = cluster.restAddress().getPort();
            assertThat(ListeningSockets.ofThisJvm()).anySatisfy(l -> {
                assertThat(l.port()).isEqualTo(rest);
                assertThat(l.wildcard()).as("opened on purpose").isTrue();
            });
        }
    }

    @Test
    void aBindAddressThatIsNotThisMachinesIsRefusedWithWhatToPassInstead() {
        assertThatThrownBy(() -> BindAddress.validate("192.0.2.1"))
                .hasMessageContaining("not an address of this machine")
                .hasMessageContaining("0.0.0.0");
        assertThatThrownBy(() -> BindAddress.validate("no-such-host.invalid")).hasMessageContaining("does not resolve");
        assertThat(BindAddress.isWildcard("0.0.0.0")).isTrue();
        assertThat(BindAddress.isWildcard("::")).isTrue();
        assertThat(BindAddress.advertised("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(BindAddress.advertised("0.0.0.0")).isNotEqualTo("0.0.0.0");
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
