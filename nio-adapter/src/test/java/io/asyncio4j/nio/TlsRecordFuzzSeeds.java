package io.asyncio4j.nio;

import io.asyncio4j.tls.TestCertificates;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the seed inputs of {@link TlsRecordFuzzTest} into its inputs directory: real ClientHellos captured from the
 * JDK's client engine, and hand-built hostile first flights (plaintext HTTP, SSLv2 and SSLv3 hellos, a 64 KiB hello
 * over several records, oversize, empty and out-of-place records), each with the segmenting its name says. Not a
 * test: run it by hand after changing an input layout, from the module directory,
 * {@code java -cp <test classpath> io.asyncio4j.nio.TlsRecordFuzzSeeds [--all]}, and commit what it writes. It writes
 * the inputs missing, or with {@code --all} every one: the captured hellos then get fresh randoms and key shares.
 */
final class TlsRecordFuzzSeeds {

    private static final Path INPUTS = Path.of("src/test/resources/io/asyncio4j/nio/TlsRecordFuzzTestInputs");
    private static final SSLContext CLIENT = TestCertificates.clientTrustingCa();
    private static final int HANDSHAKE = 22;

    private TlsRecordFuzzSeeds() {
    }

    /** Whether to rewrite inputs that exist: {@code --all}; else only missing ones are written. */
    private static boolean overwrite;

    public static void main(String[] args) throws Exception {
        overwrite = Arrays.asList(args).contains("--all");
        String first = "hostileFirstBytesFailTheServerHandshakeWithAnSslException";
        hostileFirstBytes(INPUTS.resolve(first), INPUTS.resolve(first));
        splitAndTamperedRecords(INPUTS.resolve("splitRecordsArriveIntactAndTamperedOnesFail"));
        String sni = "theSniPeekNeverThrowsAndAgreesWithTheEngine";
        sniPeek(INPUTS.resolve(sni), INPUTS.resolve(sni));
    }

    // ------------------------------------------------------------------------------------------ target 1

    /** Option bits of the first target's byte 0. */
    private static final int BOTH = 0;
    private static final int TLS12_ONLY = 1;
    private static final int TLS13_ONLY = 2;
    private static final int BY_NAME = 4;
    /** Segment-size bytes: 1, 2, 3, 5 and 50 bytes, 128 KiB (everything the read takes). */
    private static final byte ONE = 0;
    private static final byte TWO = 1;
    private static final byte THREE = 2;
    private static final byte FIVE = 4;
    private static final byte FIFTY = 49;
    private static final byte ALL = (byte) 0xff;

    private static void hostileFirstBytes(Path dir, Path findings) throws Exception {
        byte[] hello13 = clientHello(new String[] {"TLSv1.3", "TLSv1.2"}, "localhost");
        byte[] hello12 = clientHello(new String[] {"TLSv1.2"}, "localhost");
        byte[] helloMessage = Arrays.copyOfRange(hello13, TlsRecords.HEADER, hello13.length);

        Files.createDirectories(dir);
        Files.createDirectories(findings);
        first(dir, "tls13-client-hello", BOTH, hello13);
        first(dir, "tls12-client-hello", BOTH, hello12);
        first(dir, "tls12-client-hello-to-a-tls13-only-server", TLS13_ONLY, hello12);
        first(dir, "tls13-client-hello-to-a-tls12-only-server", TLS12_ONLY, hello13);
        first(dir, "client-hello-to-a-server-choosing-by-name", BY_NAME, hello13);
        first(dir, "client-hello-for-an-unknown-name-to-a-server-choosing-by-name", BY_NAME,
                clientHello(new String[] {"TLSv1.3"}, "unknown.example"));
        first(dir, "client-hello-without-a-name-to-a-server-choosing-by-name", BY_NAME,
                clientHello(new String[] {"TLSv1.3"}, null));
        first(dir, "client-hello-one-byte-segments", BOTH, hello13, ONE);
        first(dir, "client-hello-split-inside-the-header", BOTH, hello13, TWO, ALL);
        first(dir, "client-hello-split-after-the-header", BOTH, hello13, FIVE, ALL);
        first(dir, "client-hello-split-inside-the-body", BOTH, hello13, FIFTY, ALL);
        first(dir, "client-hello-split-by-threes-to-a-server-choosing-by-name", BY_NAME, hello13, THREE);
        first(dir, "client-hello-fragmented-over-three-records-in-one-segment", BOTH,
                fragmented(helloMessage, 3));
        first(dir, "client-hello-fragmented-over-three-records-one-byte-segments", BY_NAME,
                fragmented(helloMessage, 3), ONE);
        first(dir, "client-hello-64k-over-five-records", BOTH, fragmented(padded(helloMessage, 64 * 1024), 5));
        first(findings, "client-hello-with-a-malformed-server-name", BOTH,
                withServerNameList(hello13, new byte[] {0, 0, 50, 'a', 'b'}));
        first(dir, "client-hello-with-a-utf8-server-name-to-a-server-choosing-by-name", BY_NAME,
                withServerNameList(hello13, nameList(0, "caf\u00e9.example".getBytes(StandardCharsets.UTF_8))));
        first(dir, "client-hello-then-a-garbage-record", BOTH,
                concat(hello13, record(23, 3, 3, "not encrypted".getBytes(StandardCharsets.US_ASCII))));
        first(dir, "client-hello-twice", BOTH, concat(hello13, hello13));
        first(dir, "plaintext-http-get", BOTH,
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        first(dir, "plaintext-http-get-to-a-server-choosing-by-name", BY_NAME,
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII), ONE);
        first(dir, "sslv2-client-hello", BOTH, sslv2Hello());
        first(dir, "sslv2-client-hello-to-a-server-choosing-by-name", BY_NAME, sslv2Hello());
        first(dir, "sslv3-client-hello", BOTH, sslv3Hello());
        first(dir, "record-length-beyond-the-maximum", BOTH,
                concat(new byte[] {HANDSHAKE, 3, 3, (byte) 0xff, (byte) 0xff}, helloMessage));
        first(dir, "record-length-just-beyond-the-maximum", BY_NAME,
                concat(new byte[] {HANDSHAKE, 3, 3, 0x48, 0x01}, helloMessage));
        first(dir, "zero-length-handshake-record-then-client-hello", BOTH,
                concat(record(HANDSHAKE, 3, 1, new byte[0]), hello13));
        first(dir, "zero-length-application-data-record", BOTH, record(23, 3, 3, new byte[0]));
        first(dir, "application-data-before-the-handshake", BOTH,
                record(23, 3, 3, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        first(dir, "fatal-alert-first", BOTH, record(21, 3, 3, new byte[] {2, 40}));
        first(dir, "close-notify-alert-first", BOTH, record(21, 3, 3, new byte[] {1, 0}));
        first(dir, "change-cipher-spec-first", BOTH, record(20, 3, 3, new byte[] {1}));
        first(dir, "heartbeat-record-first", BOTH, record(24, 3, 3, new byte[] {1, 0x40, 0}));
        first(dir, "server-hello-from-a-client", BOTH, record(HANDSHAKE, 3, 3, concat(new byte[] {2, 0, 0, 38, 3, 3},
                new byte[32], new byte[] {0, 0x13, 1, 0})));
        first(dir, "header-only", BOTH, new byte[] {HANDSHAKE, 3, 3, 0, 100});
        first(dir, "empty", BOTH, new byte[0]);
    }

    /** A first-target input: options, segment sizes, then the stream. */
    private static void first(Path dir, String name, int options, byte[] stream, byte... segments)
            throws IOException {
        byte[] header = new byte[2 + segments.length];
        header[0] = (byte) options;
        header[1] = (byte) segments.length;
        System.arraycopy(segments, 0, header, 2, segments.length);
        write(dir.resolve(name), concat(header, stream));
    }

    // ------------------------------------------------------------------------------------------ target 2

    private static final int TLS13 = 1;
    private static final int TLS12 = 0;
    private static final int TAMPER = 2;
    /** Byte 5 of the second target: how much plaintext each write takes. */
    private static final byte WHOLE = 0;
    private static final byte ONE_BYTE_WRITES = 1;
    /** Bit 15 of the tampered offset: counted from the record's end. */
    private static final int FROM_END = 0x8000;

    private static void splitAndTamperedRecords(Path dir) throws IOException {
        byte[] request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] kib = new byte[1024];
        for (int i = 0; i < kib.length; i++) {
            kib[i] = (byte) i;
        }
        Files.createDirectories(dir);
        records(dir, "tls13-one-write-one-segment", TLS13, 0, 0, 0, WHOLE, request);
        records(dir, "tls12-one-write-one-segment", TLS12, 0, 0, 0, WHOLE, request);
        records(dir, "tls13-one-byte-segments", TLS13, 0, 0, 0, WHOLE, request, ONE);
        records(dir, "tls12-one-byte-segments", TLS12, 0, 0, 0, WHOLE, request, ONE);
        records(dir, "tls13-split-inside-headers", TLS13, 0, 0, 0, WHOLE, request, TWO, THREE);
        records(dir, "tls12-split-at-header-ends", TLS12, 0, 0, 0, ONE_BYTE_WRITES, request, FIVE, (byte) 21);
        records(dir, "tls13-many-one-byte-records-per-segment", TLS13, 0, 0, 0, ONE_BYTE_WRITES, request, ALL);
        records(dir, "tls12-many-one-byte-records-split-by-fifty", TLS12, 0, 0, 0, ONE_BYTE_WRITES, request, FIFTY);
        records(dir, "tls13-64k-in-one-write-one-segment", TLS13 | 63 << 2, 0, 0, 0, WHOLE, kib);
        records(dir, "tls12-64k-in-1k-writes-split-by-threes-and-fifties", TLS12 | 63 << 2, 0, 0, 0, (byte) 129,
                kib, THREE, FIFTY);
        records(dir, "tls13-empty-plaintext", TLS13, 0, 0, 0, WHOLE, new byte[0]);
        records(dir, "tls13-key-update-midway", TLS13, 0, 0, 0, ONE_BYTE_WRITES, true, request, FIFTY);
        records(dir, "tls13-key-update-midway-64k-one-byte-segments", TLS13 | 63 << 2, 0, 0, 0, (byte) 129, true,
                kib, ONE);
        records(dir, "tls12-renegotiation-refused", TLS12, 0, 0, 0, ONE_BYTE_WRITES, true, request, ALL);
        records(dir, "tls12-renegotiation-refused-before-any-plaintext", TLS12, 0, 0, 0, WHOLE, true, new byte[0]);
        records(dir, "tls12-renegotiation-refused-split-by-threes", TLS12 | 3 << 2, 0, 0, 0, (byte) 100, true, kib,
                THREE);

        records(dir, "tamper-header-type-tls13", TLS13 | TAMPER, 0, 0, 1, WHOLE, request);
        records(dir, "tamper-header-version-tls12", TLS12 | TAMPER, 0, 2, 1, WHOLE, request);
        records(dir, "tamper-header-length-shorter-tls13", TLS13 | TAMPER, 0, 4, 1, WHOLE, request);
        records(dir, "tamper-header-length-longer-tls12", TLS12 | TAMPER, 0, 3, 0x40, WHOLE, request, FIVE);
        records(dir, "tamper-header-length-beyond-the-maximum-tls13", TLS13 | TAMPER, 0, 3, 0x80, WHOLE, request);
        records(dir, "tamper-tag-tls13", TLS13 | TAMPER, 0, FROM_END, 0x80, WHOLE, request);
        records(dir, "tamper-tag-tls12-one-byte-segments", TLS12 | TAMPER, 0, FROM_END | 7, 1, WHOLE, request, ONE);
        records(dir, "tamper-payload-tls13", TLS13 | TAMPER, 0, 9, 0x20, WHOLE, request);
        records(dir, "tamper-explicit-nonce-tls12", TLS12 | TAMPER, 0, 6, 1, WHOLE, request);
        records(dir, "tamper-close-notify-tls13", TLS13 | TAMPER, 1, 7, 1, WHOLE, request);
        records(dir, "tamper-close-notify-header-tls12", TLS12 | TAMPER, 1, 0, 2, WHOLE, request);
        records(dir, "tamper-third-of-many-records-one-byte-segments", TLS13 | TAMPER, 2, FROM_END | 3, 1,
                ONE_BYTE_WRITES, request, ONE);
        records(dir, "tamper-fifth-of-many-records-in-one-segment", TLS12 | TAMPER, 4, 12, 0x10, ONE_BYTE_WRITES,
                request, ALL);
        records(dir, "tamper-the-key-update-tls13", TLS13 | TAMPER, 17, 8, 1, ONE_BYTE_WRITES, true, request);
        records(dir, "tamper-after-the-key-update-tls13", TLS13 | TAMPER, 30, FROM_END, 1, ONE_BYTE_WRITES, true,
                request, FIVE);
        records(dir, "tamper-before-a-renegotiation-tls12", TLS12 | TAMPER, 3, 9, 1, ONE_BYTE_WRITES, true,
                request);
        records(dir, "tamper-second-record-of-a-64k-write", TLS13 | TAMPER | 63 << 2, 1, 100, 4, WHOLE, kib, FIFTY);
    }

    /** A second-target input: flags, tampering, write size, segment sizes, then the plaintext unit. */
    private static void records(Path dir, String name, int flags, int record, int offset, int flip, byte writes,
                                byte[] unit, byte... segments) throws IOException {
        records(dir, name, flags, record, offset, flip, writes, false, unit, segments);
    }

    /** As above, with the client starting a handshake midway if {@code rehandshake}. */
    private static void records(Path dir, String name, int flags, int record, int offset, int flip, byte writes,
                                boolean rehandshake, byte[] unit, byte... segments) throws IOException {
        byte[] header = new byte[7 + segments.length];
        header[0] = (byte) flags;
        header[1] = (byte) record;
        header[2] = (byte) (offset >>> 8);
        header[3] = (byte) offset;
        header[4] = (byte) flip;
        header[5] = writes;
        header[6] = (byte) (segments.length | (rehandshake ? 8 : 0));
        System.arraycopy(segments, 0, header, 7, segments.length);
        write(dir.resolve(name), concat(header, unit));
    }

    // ------------------------------------------------------------------------------------------ target 3

    private static void sniPeek(Path dir, Path findings) throws Exception {
        byte[] hello13 = clientHello(new String[] {"TLSv1.3", "TLSv1.2"}, "localhost");
        Files.createDirectories(dir);
        Files.createDirectories(findings);
        write(dir.resolve("tls13-hello-localhost"), hello13);
        write(dir.resolve("tls12-hello-example-com"), clientHello(new String[] {"TLSv1.2"}, "example.com"));
        write(dir.resolve("tls13-hello-mixed-case-name"),
                clientHello(new String[] {"TLSv1.3"}, "Mixed.Case.EXAMPLE"));
        write(dir.resolve("tls13-hello-without-a-name"), clientHello(new String[] {"TLSv1.3"}, null));
        write(dir.resolve("tls13-hello-with-alpn"), clientHello(new String[] {"TLSv1.3"}, "localhost",
                "h2", "http/1.1"));
        write(dir.resolve("tls13-hello-253-character-name"),
                clientHello(new String[] {"TLSv1.3"}, longName(253)));
        write(findings.resolve("hello-with-a-utf8-name"), withServerNameList(hello13,
                nameList(0, "caf\u00e9.example".getBytes(StandardCharsets.UTF_8))));
        write(dir.resolve("hello-with-two-host-names"), withServerNameList(hello13,
                concat(nameEntry(0, "first.example"), nameEntry(0, "second.example"))));
        write(dir.resolve("hello-with-an-unknown-name-type-first"), withServerNameList(hello13,
                concat(nameEntry(7, "other"), nameEntry(0, "localhost"))));
        write(dir.resolve("hello-with-an-empty-name-list"), withServerNameList(hello13, new byte[0]));
        write(dir.resolve("hello-with-a-name-longer-than-its-list"), withServerNameList(hello13,
                new byte[] {0, 0, 50, 'a', 'b'}));
        write(dir.resolve("hello-with-a-trailing-dot"), withServerNameList(hello13,
                nameList(0, "localhost.".getBytes(StandardCharsets.US_ASCII))));
        write(dir.resolve("hello-truncated-in-the-extensions"), Arrays.copyOf(hello13, hello13.length - 40));
        write(dir.resolve("hello-fragmented-over-two-records"),
                fragmented(Arrays.copyOfRange(hello13, TlsRecords.HEADER, hello13.length), 2));
        write(dir.resolve("sslv2-hello"), sslv2Hello());
        write(dir.resolve("sslv3-hello"), sslv3Hello());
        write(dir.resolve("plaintext-http-get"),
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** A DNS name of {@code length} characters (at most 255): labels of 63 letters. */
    private static String longName(int length) {
        String label = "a".repeat(63);
        return String.join(".", label, label, label, label).substring(0, length);
    }

    private static byte[] nameEntry(int type, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        return concat(new byte[] {(byte) type, (byte) (n.length >>> 8), (byte) n.length}, n);
    }

    private static byte[] nameList(int type, byte[] name) {
        return concat(new byte[] {(byte) type, (byte) (name.length >>> 8), (byte) name.length}, name);
    }

    // ------------------------------------------------------------------------------------------ hellos

    /** The first record the JDK's client engine sends for {@code protocols} and the server name, if any. */
    private static byte[] clientHello(String[] protocols, String serverName, String... alpn) throws Exception {
        SSLEngine engine = CLIENT.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        if (serverName != null) {
            p.setServerNames(List.<SNIServerName>of(new SNIHostName(serverName)));
        }
        if (alpn.length > 0) {
            p.setApplicationProtocols(alpn);
        }
        engine.setSSLParameters(p);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** An SSLv3 ClientHello (version 3.0, two SSLv3 suites, no extensions) in an SSLv3 record. */
    private static byte[] sslv3Hello() {
        byte[] body = concat(new byte[] {3, 0}, new byte[32], new byte[] {0, 0, 4, 0, 0x0a, 0, 0x2f, 1, 0});
        return record(HANDSHAKE, 3, 0, concat(new byte[] {1, 0, 0, (byte) body.length}, body));
    }

    /** A ClientHello in the SSLv2 format, offering TLS 1.0 as SSLv2-compatible clients did. */
    private static byte[] sslv2Hello() {
        byte[] specs = {0, 0, 0x2f, 0, 0, 0x0a, 7, 0, (byte) 0xc0};
        byte[] challenge = new byte[16];
        Arrays.fill(challenge, (byte) 0x5a);
        byte[] body = concat(new byte[] {1, 3, 1, 0, (byte) specs.length, 0, 0, 0, (byte) challenge.length},
                specs, challenge);
        return concat(new byte[] {(byte) (0x80 | body.length >>> 8), (byte) body.length}, body);
    }

    /** A handshake message grown to about {@code size} bytes by a padding extension (RFC 7685) at its end. */
    private static byte[] padded(byte[] message, int size) {
        Hello h = Hello.parse(message);
        int padding = size - message.length - 4;
        h.extensions.add(new byte[][] {{0, 21}, new byte[padding]});
        return h.message();
    }

    /** {@code record} (a ClientHello record) with its server_name extension's list replaced by {@code list}. */
    private static byte[] withServerNameList(byte[] record, byte[] list) {
        Hello h = Hello.parse(Arrays.copyOfRange(record, TlsRecords.HEADER, record.length));
        byte[] data = concat(new byte[] {(byte) (list.length >>> 8), (byte) list.length}, list);
        boolean replaced = false;
        for (byte[][] e : h.extensions) {
            if (e[0][0] == 0 && e[0][1] == 0) {
                e[1] = data;
                replaced = true;
            }
        }
        if (!replaced) {
            h.extensions.add(0, new byte[][] {{0, 0}, data});
        }
        return record(HANDSHAKE, 3, 1, h.message());
    }

    /** A ClientHello message cut into its fixed part and its extensions, to be put back together changed. */
    private static final class Hello {
        byte[] fixed;
        final List<byte[][]> extensions = new ArrayList<>();

        static Hello parse(byte[] message) {
            ByteBuffer b = ByteBuffer.wrap(message);
            b.position(4 + 2 + 32);
            b.position(b.position() + 1 + (b.get(b.position()) & 0xff));
            b.position(b.position() + 2 + (b.getShort(b.position()) & 0xffff));
            b.position(b.position() + 1 + (b.get(b.position()) & 0xff));
            Hello h = new Hello();
            h.fixed = Arrays.copyOfRange(message, 4, b.position());
            int end = b.position() + 2 + (b.getShort() & 0xffff);
            while (b.position() < end) {
                byte[] type = {b.get(), b.get()};
                byte[] data = new byte[b.getShort() & 0xffff];
                b.get(data);
                h.extensions.add(new byte[][] {type, data});
            }
            return h;
        }

        byte[] message() {
            ByteArrayOutputStream ext = new ByteArrayOutputStream();
            for (byte[][] e : extensions) {
                ext.writeBytes(e[0]);
                ext.write(e[1].length >>> 8);
                ext.write(e[1].length);
                ext.writeBytes(e[1]);
            }
            int extLength = ext.size();
            byte[] body = concat(fixed, new byte[] {(byte) (extLength >>> 8), (byte) extLength}, ext.toByteArray());
            return concat(new byte[] {1, (byte) (body.length >>> 16), (byte) (body.length >>> 8), (byte) body.length},
                    body);
        }
    }

    // ------------------------------------------------------------------------------------------ records

    private static byte[] record(int type, int major, int minor, byte[] payload) {
        return concat(new byte[] {(byte) type, (byte) major, (byte) minor, (byte) (payload.length >>> 8),
                (byte) payload.length}, payload);
    }

    /** A handshake message cut into {@code parts} records of about equal size. */
    private static byte[] fragmented(byte[] message, int parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int size = (message.length + parts - 1) / parts;
        for (int from = 0; from < message.length; from += size) {
            out.writeBytes(record(HANDSHAKE, 3, 1, Arrays.copyOfRange(message, from,
                    Math.min(message.length, from + size))));
        }
        return out.toByteArray();
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        if (overwrite || !Files.exists(file)) {
            Files.write(file, bytes);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
