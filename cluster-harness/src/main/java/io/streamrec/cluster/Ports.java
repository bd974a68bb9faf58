package io.streamrec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports: every process of the harness listens on 127.0.0.1 only. */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK, e);
        }
    }

    /** Waits until something accepts connections on {@code port}; false on timeout. */
    static boolean awaitOpen(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
                return true;
            } catch (IOException notYet) {
                ManagedProcess.sleep(Duration.ofMillis(200));
            }
        }
        return false;
    }
}
