package io.streamrec.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets this JVM listens on, read from Linux's {@code /proc}: the socket inodes among this process's file
 * descriptors, matched against the rows of {@code /proc/self/net/tcp} and {@code tcp6} in state LISTEN. Independent of
 * how each library reports its own address, so it sees every listener, including the ones nobody asked for.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    /** One listening socket: its local address and port. */
    public record Listener(InetAddress address, int port) {

        /** Bound to every interface (0.0.0.0 or ::), reachable from the network. */
        public boolean wildcard() {
            return address.isAnyLocalAddress();
        }

        /** Bound to a loopback address, including IPv4 loopback mapped into IPv6 (::ffff:127.0.0.1). */
        public boolean loopback() {
            return address.isLoopbackAddress();
        }

        @Override
        public String toString() {
            return address.getHostAddress() + ":" + port;
        }
    }

    private ListeningSockets() {}

    /** Whether this system exposes sockets in {@code /proc} (Linux). */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/self/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** Every socket this JVM listens on now. */
    public static List<Listener> ofThisJvm() {
        Set<String> inodes = socketInodes();
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(path);
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length > 9 && fields[3].equals(LISTEN) && inodes.contains(fields[9])) {
                        listeners.add(parse(fields[1]));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + table, e);
            }
        }
        return listeners;
    }

    private static Set<String> socketInodes() {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list /proc/self/fd", e);
        }
        return inodes;
    }

    /**
     * {@code 0100007F:1F90} (IPv4) or 32 hex digits (IPv6), each 32-bit word in the kernel's (little-endian) order,
     * then the port in hex.
     */
    static Listener parse(String local) {
        String[] parts = local.split(":");
        String hex = parts[0];
        byte[] address = new byte[hex.length() / 2];
        for (int word = 0; word < address.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                address[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return new Listener(InetAddress.getByAddress(address), new BigInteger(parts[1], 16).intValue());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + local, e);
        }
    }
}
