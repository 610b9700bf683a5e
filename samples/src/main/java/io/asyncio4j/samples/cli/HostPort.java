package io.asyncio4j.samples.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Writes an address and port the way users and URL parsers read them: {@code 127.0.0.1:8080}, and IPv6 in brackets
 * with its zeros compressed, {@code [::1]:8080} (RFC 5952), not the JDK's {@code 0:0:0:0:0:0:0:1:8080}.
 */
public final class HostPort {

    private HostPort() {
    }

    /**
     * Writes a resolved address.
     *
     * @param address the address and port
     * @return {@code HOST:PORT}, or {@code [HOST]:PORT} for IPv6
     */
    public static String of(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : literal(ip);
        return of(host, address.getPort());
    }

    /**
     * Writes a host as given on the command line.
     *
     * @param host a name or an address literal
     * @param port the port
     * @return {@code HOST:PORT}, or {@code [HOST]:PORT} if the host is an IPv6 literal
     */
    public static String of(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Writes an address as a literal: IPv4 dotted, IPv6 in the RFC 5952 form (lower-case hexadecimal without leading
     * zeros, the longest run of two or more zero groups written {@code ::}), its scope kept after {@code %}.
     *
     * @param address the address
     * @return the literal
     */
    public static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        String full = address.getHostAddress();
        int scope = full.indexOf('%');
        return scope < 0 ? text.toString() : text + full.substring(scope);
    }
}
