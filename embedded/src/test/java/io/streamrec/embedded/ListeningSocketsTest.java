package io.streamrec.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

    @Test
    void kernelAddressesAreReadWordByWordInHostOrder() {
        assertThat(ListeningSockets.parse("0100007F:1F91").toString()).isEqualTo("127.0.0.1:8081");
        assertThat(ListeningSockets.parse("00000000:0050").wildcard()).isTrue();
        assertThat(ListeningSockets.parse("00000000000000000000000000000000:1F91")
                        .wildcard())
                .isTrue();
        ListeningSockets.Listener mapped = ListeningSockets.parse("0000000000000000FFFF00000100007F:9471");
        assertThat(mapped.loopback()).as(mapped.toString()).isTrue();
        assertThat(mapped.port()).isEqualTo(0x9471);
        assertThat(ListeningSockets.parse("00000000000000000000000001000000:0016")
                        .loopback())
                .as("::1")
                .isTrue();
    }

    @Test
    void aServerSocketOfThisJvmIsSeenWithTheAddressItIsBoundTo() throws Exception {
        assumeTrue(ListeningSockets.available(), "needs Linux /proc");
        try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket wildcard = new ServerSocket(0)) {
            assertThat(ListeningSockets.ofThisJvm())
                    .anySatisfy(l -> {
                        assertThat(l.port()).isEqualTo(loopback.getLocalPort());
                        assertThat(l.loopback()).isTrue();
                    })
                    .anySatisfy(l -> {
                        assertThat(l.port()).isEqualTo(wildcard.getLocalPort());
                        assertThat(l.wildcard()).isTrue();
                    });
        }
    }
}
