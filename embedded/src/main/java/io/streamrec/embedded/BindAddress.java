package io.streamrec.embedded;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address the embedded runtime's listeners bind to: loopback unless told otherwise, because Flink's REST API
 * accepts jars and runs them, and an embedded broker has no authentication. A wildcard address (0.0.0.0 or ::) opens
 * them on every interface; clients are then told the machine's host name.
 */
public final class BindAddress {

    /** The default: reachable from this machine only. */
    public static final String LOOPBACK = "127.0.0.1";

    private BindAddress() {}

    /**
     * Checks that {@code address} is an address of this machine, or a wildcard.
     *
     * @throws IllegalArgumentException naming what to pass instead
     */
    public static String validate(String address) {
        InetAddress resolved = resolve(address);
        if (!resolved.isAnyLocalAddress() && !resolved.isLoopbackAddress()) {
            try {
                if (java.net.NetworkInterface.getByInetAddress(resolved) == null) {
                    throw new IllegalArgumentException("--bind-address " + address + " (" + resolved.getHostAddress()
                            + ") is not an address of this machine; use one of its interfaces' addresses, "
                            + LOOPBACK + " (the default), or 0.0.0.0 for every interface");
                }
            } catch (java.net.SocketException e) {
                throw new IllegalArgumentException("Could not list this machine's interfaces: " + e.getMessage(), e);
            }
        }
        return address;
    }

    /** True for 0.0.0.0 and ::, which bind every interface. */
    public static boolean isWildcard(String address) {
        return resolve(address).isAnyLocalAddress();
    }

    /** What clients are told to connect to: the address itself, or this machine's host name for a wildcard. */
    public static String advertised(String address) {
        if (!isWildcard(address)) {
            return address;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return LOOPBACK;
        }
    }

    private static InetAddress resolve(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(
                    "--bind-address is empty; use " + LOOPBACK + " (the default) or 0.0.0.0");
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "--bind-address " + address + " does not resolve; use an IP address such as " + LOOPBACK, e);
        }
    }
}
