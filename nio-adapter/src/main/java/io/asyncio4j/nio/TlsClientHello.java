package io.asyncio4j.nio;

import javax.net.ssl.SNIHostName;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Reads the server name a client asks for (the SNI extension of RFC 6066) from its first handshake record, before
 * any engine exists: a server that holds one context per name must choose before the handshake starts. Anything
 * malformed, or a hello whose extensions do not fit in the first record, yields no name; the engine then refuses
 * or takes the hello on its own terms.
 */
final class TlsClientHello {

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;

    private TlsClientHello() {
    }

    /**
     * The host name asked for in the record at {@code record}'s position, in its ASCII form and lower case;
     * {@code null} if none, or if it is no valid host name.
     */
    static String serverName(ByteBuffer record) {
        ByteBuffer b = record.slice();
        try {
            if ((b.get() & 0xff) != HANDSHAKE) {
                return null;
            }
            b.position(TlsRecords.HEADER);
            if ((b.get() & 0xff) != CLIENT_HELLO) {
                return null;
            }
            skip(b, 3 + 2 + 32);                 // message length, client version, random
            skip(b, b.get() & 0xff);             // session id
            skip(b, b.getShort() & 0xffff);      // cipher suites
            skip(b, b.get() & 0xff);             // compression methods
            int extensionsEnd = (b.getShort() & 0xffff) + b.position();
            while (b.position() + 4 <= extensionsEnd) {
                int type = b.getShort() & 0xffff;
                int length = b.getShort() & 0xffff;
                if (type != SERVER_NAME) {
                    skip(b, length);
                    continue;
                }
                int listEnd = (b.getShort() & 0xffff) + b.position();
                while (b.position() + 3 <= listEnd) {
                    int nameType = b.get() & 0xff;
                    int nameLength = b.getShort() & 0xffff;
                    if (nameType == HOST_NAME) {
                        byte[] name = new byte[nameLength];
                        b.get(name);
                        // As the engine reads it: UTF-8, internationalized names in their ASCII form.
                        return new SNIHostName(name).getAsciiName().toLowerCase(Locale.ROOT);
                    }
                    skip(b, nameLength);
                }
                return null;
            }
            return null;
        } catch (RuntimeException malformed) { // BufferUnderflowException, IllegalArgumentException
            return null;
        }
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }
}
