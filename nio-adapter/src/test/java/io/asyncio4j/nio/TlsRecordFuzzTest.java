package io.asyncio4j.nio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.asyncio4j.AsyncFuture;
import io.asyncio4j.ConnectionOptions;
import io.asyncio4j.TlsOptions;
import io.asyncio4j.TlsSession;
import io.asyncio4j.combinators.AsyncTimer;
import io.asyncio4j.tls.TestCertificates;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the TLS record path of a server: the real {@link TlsTransport} and the JDK's engine under a
 * {@link StreamConnection}, over an in-process {@link MemoryTransport} the test feeds on its own thread, so every
 * completion, delegated task and callback runs inside the feeding call and a run is deterministic (the timers are
 * an hour long: none fires). Replays {@code TlsRecordFuzzTestInputs/} in every build; {@code fuzz/run tls-hello},
 * {@code tls-records} and {@code tls-sni} fuzz one method each.
 *
 * <p>Each run checks, besides its own properties, that the layer gives back every pooled buffer it took once the
 * connection is closed. {@link TlsRecordFuzzSeeds} writes the seeds.
 */
class TlsRecordFuzzTest {

    /** Longer than any run: the handshake and close timers are armed but never fire. */
    private static final Duration NEVER = Duration.ofHours(1);
    /** An ECDSA certificate: its handshakes cost a fraction of an RSA one's, which keeps the replay short. */
    private static final SSLContext SERVER_CONTEXT = withSmallSessionCache(TestCertificates.serverContext("server-ec"));
    private static final SSLContext CLIENT_CONTEXT = TestCertificates.clientTrustingCa();
    /** Both directions of the in-process pair hold more than any run sends. */
    private static final int PIPE_CAPACITY = 1 << 20;

    /**
     * Hostile bytes as a client's first input: fuzzer-chosen bytes reach a server-side TLS connection in
     * fuzzer-chosen segments, then the end of the stream. The handshake fails with an {@link SSLException} (no
     * other type) by the time the input has ended, no plaintext ever reaches the connection's reads, the
     * connection ends closed, and the layer's buffers are back in the pool. If the JDK's server engine, given the
     * same whole records directly, refuses them, the handshake has failed before the end of the stream: the layer
     * does not wait for more input (until the handshake timeout) once its engine has failed.
     *
     * <p>Input layout: byte 0 the server's options (low 2 bits: 1 TLS 1.2 only, 2 TLS 1.3 only, else both; bit 2:
     * the context is chosen by the requested name, as {@link TlsOptions#withServerNameContexts} does); byte 1 the
     * number k (low 3 bits) of segment sizes that follow, each decoded by {@link #segmentSize}, cycled (k = 0: as
     * much as the layer's read takes); the rest is what the client sends.
     */
    @FuzzTest(maxDuration = "3m")
    void hostileFirstBytesFailTheServerHandshakeWithAnSslException(byte[] input) throws Exception {
        if (input.length < 2) {
            return;
        }
        int k = input[1] & 7;
        int[] segments = new int[Math.min(k, input.length - 2)];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = segmentSize(input[2 + i]);
        }
        byte[] stream = Arrays.copyOfRange(input, 2 + segments.length, input.length);

        int lentBefore = TlsBufferPool.lent();
        ServerEnd server = new ServerEnd(serverOptions(input[0]));
        try {
            Feeder feeder = new Feeder(server.below, segments);
            feeder.feed(stream);
            if (engineRefuses(Arrays.copyOf(stream, wholeRecords(stream)), input[0])) {
                assertThat(server.handshake).as("failed once the engine refused the bytes, before the end of the "
                        + "stream").isDone();
            }
            feeder.end();

            assertThat(server.handshake).as("the handshake is over once the input has ended").isDone();
            assertThat(failure(server.handshake)).as("why the handshake failed").isInstanceOf(SSLException.class);
            assertThat(server.tap.plaintext()).as("plaintext that reached the connection").isEmpty();
            assertThat(server.connection.closed()).as("the connection ends closed").isDone();
            assertThat(server.tls.isClosed()).as("the TLS layer is closed").isTrue();
        } finally {
            server.connection.abort();
        }
        assertThat(TlsBufferPool.lent()).as("pooled buffers out after the close").isEqualTo(lentBefore);
    }

    /**
     * Records between a real client (the JDK's engine, driven here) and the server, split anywhere, maybe tampered
     * with: the client handshakes, writes the plaintext and {@code close_notify}; every byte it sends reaches the
     * server in fuzzer-chosen segments, from one byte to many records at a time. Untouched, the server reads exactly
     * the plaintext, in order, then a clean end. With one byte of a record after the handshake flipped, the
     * server's read fails with an {@link SSLException}, and the plaintext that reached the connection is exactly
     * that of the records before the tampered one: nothing of it is corrupted, nothing decrypted before is lost.
     * The only bytes a flip of which may go unnoticed are a record header's version: the JDK's engine authenticates
     * the version it negotiated, not the header's (TLS 1.3 says to ignore it), and the plaintext is then intact.
     *
     * <p>Midway, the client may start a handshake again: a TLS 1.3 key update, which changes nothing the server
     * reads, or a TLS 1.2 renegotiation, which the server refuses (its read fails with an {@link SSLException} after
     * the plaintext before).
     *
     * <p>Input layout: byte 0: bit 0 TLS 1.3 (else 1.2), bit 1 tamper, bits 2-7 how many times (1 + n) the
     * plaintext unit is repeated; byte 1 the tampered record after the handshake (modulo their number, the
     * client's {@code close_notify} last); bytes 2-3 the tampered byte's offset in it (modulo its length; from its
     * end if bit 15 is set); byte 4 the bits to flip (0 flips bit 0); byte 5 how much plaintext each of the
     * client's writes takes (0: all of it; else {@link #segmentSize} of byte 5 minus 1); byte 6: bit 3 the
     * handshake midway, low 3 bits the number k of segment sizes that follow, as in the first target; the rest is
     * the plaintext unit.
     */
    @FuzzTest(maxDuration = "3m")
    void splitRecordsArriveIntactAndTamperedOnesFail(byte[] input) throws Exception {
        if (input.length < 7) {
            return;
        }
        boolean tls13 = (input[0] & 1) != 0;
        boolean tamper = (input[0] & 2) != 0;
        int repeat = 1 + ((input[0] & 0xff) >>> 2);
        int tamperedRecord = input[1] & 0xff;
        int offsetField = ((input[2] & 0xff) << 8) | (input[3] & 0xff);
        byte flip = input[4] == 0 ? 1 : input[4];
        int writeSize = input[5] == 0 ? Integer.MAX_VALUE : segmentSize((byte) (input[5] - 1));
        boolean rehandshake = (input[6] & 8) != 0;
        int k = input[6] & 7;
        int[] segments = new int[Math.min(k, input.length - 7)];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = segmentSize(input[7 + i]);
        }
        byte[] unit = Arrays.copyOfRange(input, 7 + segments.length, input.length);
        byte[] plaintext = new byte[unit.length * repeat];
        for (int i = 0; i < repeat; i++) {
            System.arraycopy(unit, 0, plaintext, i * unit.length, unit.length);
        }

        int lentBefore = TlsBufferPool.lent();
        ServerEnd server = new ServerEnd(serverOptions((byte) 0));
        try {
            Feeder feeder = new Feeder(server.below, segments);
            Client client = new Client(tls13 ? "TLSv1.3" : "TLSv1.2", server.fromServer);
            client.handshake(feeder, server.handshake);
            assertThat(server.handshake).as("the server's handshake").isCompleted();
            AsyncFuture<byte[]> all = server.connection.readToEnd(Integer.MAX_VALUE);

            List<byte[]> records = client.records(plaintext, writeSize, rehandshake);
            // What the server must have passed up when its read fails, and whether it must fail.
            int refusedAt = client.renegotiationAt();
            int intact = refusedAt >= 0 ? refusedAt : plaintext.length;
            int intactIfFlipIgnored = intact;
            boolean mustFail = refusedAt >= 0;
            if (tamper) {
                int r = tamperedRecord % records.size();
                byte[] record = records.get(r);
                int distance = (offsetField & 0x7fff) % record.length;
                int at = (offsetField & 0x8000) != 0 ? record.length - 1 - distance : distance;
                record[at] ^= flip;
                intact = Math.min(intact, client.plaintextBefore(r));
                boolean versionFlipped = at == 1 || at == 2;
                mustFail |= !versionFlipped;
                if (!versionFlipped) {
                    intactIfFlipIgnored = intact;
                }
            }
            for (byte[] record : records) {
                feeder.feed(record);
            }
            feeder.end();

            assertThat(all).as("the read is over once the input has ended").isDone();
            if (mustFail || all.isCompletedExceptionally()) {
                assertThat(failure(all)).as("the read of a tampered stream or a refused renegotiation")
                        .isInstanceOf(SSLException.class);
                assertThat(server.tap.plaintext()).as("plaintext of the records before the tampered one")
                        .isIn(Arrays.copyOf(plaintext, intact), Arrays.copyOf(plaintext, intactIfFlipIgnored));
            } else {
                assertThat(all.get()).as("what the server read").isEqualTo(plaintext);
                assertThat(server.tap.plaintext()).isEqualTo(plaintext);
            }
        } finally {
            server.connection.abort();
        }
        assertThat(server.tls.isClosed()).as("the TLS layer is closed").isTrue();
        assertThat(TlsBufferPool.lent()).as("pooled buffers out after the close").isEqualTo(lentBefore);
    }

    /**
     * The server-name peek a server choosing its context by name relies on: {@link TlsClientHello#serverName}
     * never throws, whatever the bytes; and for a hello the JDK's server engine accepts, whole in the first
     * record, it finds the host name the engine finds (none when the engine finds none).
     *
     * <p>Input: the bytes a client sends first.
     */
    @FuzzTest(maxDuration = "3m")
    void theSniPeekNeverThrowsAndAgreesWithTheEngine(byte[] input) throws Exception {
        TlsClientHello.serverName(ByteBuffer.wrap(input));
        ByteBuffer bytes = ByteBuffer.wrap(input);
        int length = TlsRecords.length(bytes);
        if (length <= 0 || length > input.length || !helloFillsRecord(input, length)) {
            return;
        }
        String peeked = TlsClientHello.serverName(bytes.duplicate().limit(length)); // as the layer hands it over
        RecordingMatcher matcher = new RecordingMatcher();
        if (!serverEngineAccepts(Arrays.copyOf(input, length), matcher)) {
            return;
        }
        assertThat(peeked).as("the name peeked, against the engine's")
                .isEqualTo(matcher.name == null ? null : matcher.name.toLowerCase(Locale.ROOT));
    }

    // ------------------------------------------------------------------------------------------ the server

    /** A server-side TLS connection as a listener builds it, over one end of an in-process pair. */
    private static final class ServerEnd {
        /** The server's end of the pair: the test delivers the client's bytes to its reads. */
        final MemoryTransport below;
        final TlsTransport tls;
        final PlaintextTap tap;
        final StreamConnection connection;
        final AsyncFuture<TlsSession> handshake = new AsyncFuture<>();
        /** What the server sends, as it sends it. */
        final Collector fromServer;

        ServerEnd(TlsOptions options) {
            below = MemoryTransport.pair(PIPE_CAPACITY, PIPE_CAPACITY, Runnable::run, true);
            fromServer = new Collector(below.peer());
            SerialExecutor executor = new SerialExecutor();
            tls = new TlsTransport(below, options, executor, AsyncTimer.shared(), null);
            tap = new PlaintextTap(tls);
            connection = new StreamConnection(tap, executor, ConnectionOptions.defaults(), AsyncTimer.shared());
            connection.startHandler(() -> {
                tls.start();
                connection.settleWithHandshake(tls, handshake);
            }, Runnable::run);
        }
    }

    private static TlsOptions serverOptions(byte choice) {
        TlsOptions o = TlsOptions.server(SERVER_CONTEXT).withHandshakeTimeout(NEVER)
                .withCloseNotifyFlushTimeout(NEVER).withDelegatedTaskExecutor(Runnable::run);
        switch (choice & 3) {
            case 1 -> o = o.withProtocols("TLSv1.2");
            case 2 -> o = o.withProtocols("TLSv1.3");
            default -> {
            }
        }
        if ((choice & 4) != 0) {
            o = o.withServerNameContexts(name -> "localhost".equals(name) ? SERVER_CONTEXT : null);
        }
        return o;
    }

    /**
     * How many bytes at the start of {@code stream} the layer hands its engine before more arrive: its whole
     * records, or everything once the bytes are no record header (those go to the engine as they are).
     */
    private static int wholeRecords(byte[] stream) {
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.hasRemaining()) {
            int length = TlsRecords.length(b);
            if (length < 0) {
                return stream.length;
            }
            if (length == 0 || length > b.remaining()) {
                break;
            }
            b.position(b.position() + length);
        }
        return b.position();
    }

    /**
     * The reference for the first target: whether the JDK's server engine, with the protocols {@code choice} gives
     * and driven directly (every delegated task run at once, every record it asks for unwrapped), refuses
     * {@code stream} by the time it has taken every whole record of it.
     */
    private static boolean engineRefuses(byte[] stream, byte choice) {
        SSLEngine engine = SERVER_CONTEXT.createSSLEngine();
        engine.setUseClientMode(false);
        switch (choice & 3) {
            case 1 -> engine.setEnabledProtocols(new String[] {"TLSv1.2"});
            case 2 -> engine.setEnabledProtocols(new String[] {"TLSv1.3"});
            default -> {
            }
        }
        ByteBuffer in = ByteBuffer.wrap(stream);
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        try {
            engine.beginHandshake();
            for (int step = 0; step < 10_000; step++) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> {
                        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                            t.run();
                        }
                    }
                    case NEED_WRAP -> {
                        out.clear();
                        engine.wrap(ByteBuffer.allocate(0), out);
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        app.clear();
                        SSLEngineResult r = engine.unwrap(in, app);
                        if (r.bytesConsumed() == 0 && engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                            return false; // it waits for more
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
            return false;
        } catch (SSLException | RuntimeException refused) {
            return true;
        }
    }

    /** Every run's server shares one context: a small session cache keeps a long fuzzing run's heap flat. */
    private static SSLContext withSmallSessionCache(SSLContext context) {
        context.getServerSessionContext().setSessionCacheSize(16);
        return context;
    }

    /** Between the TLS layer and the connection: records every byte of plaintext the layer hands up. */
    private static final class PlaintextTap extends ForwardingTransport {
        private final ByteArrayOutputStream plaintext = new ByteArrayOutputStream();

        PlaintextTap(ByteTransport lower) {
            super(lower);
        }

        byte[] plaintext() {
            return plaintext.toByteArray();
        }

        @Override
        public <A> void read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
            int start = dst.position();
            lower.read(dst, attachment, new CompletionHandler<Integer, A>() {
                @Override
                public void completed(Integer n, A a) {
                    for (int i = 0; i < n; i++) {
                        plaintext.write(dst.get(start + i));
                    }
                    handler.completed(n, a);
                }

                @Override
                public void failed(Throwable e, A a) {
                    handler.failed(e, a);
                }
            });
        }
    }

    /** Keeps a read of the client's end outstanding and collects what the server writes. */
    private static final class Collector implements CompletionHandler<Integer, ByteBuffer> {
        private final MemoryTransport end;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Collector(MemoryTransport end) {
            this.end = end;
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            end.read(b, b, this);
        }

        /** What arrived since the last call. */
        byte[] take() {
            byte[] bytes = received.toByteArray();
            received.reset();
            return bytes;
        }

        @Override
        public void completed(Integer n, ByteBuffer b) {
            if (n < 0) {
                return;
            }
            received.write(b.array(), 0, n);
            b.clear();
            end.read(b, b, this);
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            // The pair was closed: nothing more arrives.
        }
    }

    /**
     * Hands bytes to the server's reads in the fuzzer's segment sizes, cycling on across calls, each segment
     * straight into a read the layer has outstanding; stops when the layer reads no more (it failed or closed).
     */
    private static final class Feeder {
        private final MemoryTransport below;
        private final int[] segments;
        private int segment;

        Feeder(MemoryTransport below, int[] segments) {
            this.below = below;
            this.segments = segments;
        }

        void feed(byte[] bytes) {
            int next = 0;
            while (next < bytes.length && below.readPending()) {
                int size = segments.length == 0 ? bytes.length - next : segments[segment++ % segments.length];
                int n = Math.min(Math.min(size, bytes.length - next), below.readRoom());
                int from = next;
                next += n;
                below.deliver(bytes, from, n);
            }
        }

        /** The client's end of the stream. */
        void end() {
            below.deliverEof();
        }
    }

    /** A segment size from one byte: 1 to 128 bytes, or 1 to 128 KiB in steps of 1 KiB. */
    private static int segmentSize(byte b) {
        int v = b & 0xff;
        return v < 128 ? 1 + v : 1024 * (v - 127);
    }

    // ------------------------------------------------------------------------------------------ the client

    /** The JDK's client engine, driven by the test: no session is resumed, so every run is a full handshake. */
    private static final class Client {
        private final SSLEngine engine;
        private final Collector fromServer;
        private ByteBuffer netIn = ByteBuffer.allocate(0);
        /** Where each record of {@link #records} starts in the plaintext. */
        private final List<Integer> plaintextStarts = new ArrayList<>();
        private int renegotiationAt = -1;

        Client(String protocol, Collector fromServer) {
            this.fromServer = fromServer;
            engine = CLIENT_CONTEXT.createSSLEngine(); // no peer: nothing to resume, no host name to check
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {protocol});
        }

        /** Runs the handshake with the server through {@code feeder} until both ends have finished. */
        void handshake(Feeder feeder, AsyncFuture<TlsSession> serverDone) throws SSLException {
            engine.beginHandshake();
            ByteBuffer empty = ByteBuffer.allocate(0);
            for (int step = 0; step < 100; step++) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_WRAP -> {
                        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                        engine.wrap(empty, out);
                        feeder.feed(Arrays.copyOf(out.array(), out.position()));
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        receive();
                        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
                        SSLEngineResult r = engine.unwrap(netIn, app);
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !receive()) {
                            fail("the client waits for the server, which sent nothing (server handshake: %s)",
                                    serverDone);
                        }
                    }
                    case NEED_TASK -> {
                        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                            t.run();
                        }
                    }
                    default -> {
                        if (serverDone.isDone()) {
                            return;
                        }
                        fail("the client finished its handshake and the server did not");
                    }
                }
            }
            fail("no end to the handshake");
        }

        /** Appends what the server sent since; returns whether anything came. */
        private boolean receive() {
            byte[] more = fromServer.take();
            if (more.length > 0) {
                ByteBuffer grown = ByteBuffer.allocate(netIn.remaining() + more.length);
                grown.put(netIn).put(more).flip();
                netIn = grown;
            }
            return more.length > 0;
        }

        /**
         * The records the client sends for {@code plaintext}, written {@code writeSize} bytes at a time, then its
         * {@code close_notify}: each one whole, in order. With {@code rehandshake}, the client starts a handshake
         * once half the plaintext is written: a TLS 1.3 key update, after which it goes on; or a TLS 1.2
         * renegotiation, its hello the last record it sends.
         */
        List<byte[]> records(byte[] plaintext, int writeSize, boolean rehandshake) throws SSLException {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            List<Integer> recordEnds = new ArrayList<>();
            boolean tls13 = "TLSv1.3".equals(engine.getSession().getProtocol());
            boolean again = rehandshake;
            for (int from = 0; from <= plaintext.length; ) {
                if (again && from >= plaintext.length / 2) {
                    again = false;
                    engine.beginHandshake();
                    while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        out.clear();
                        engine.wrap(ByteBuffer.allocate(0), out);
                        splitRecords(out, stream, from, recordEnds);
                    }
                    if (!tls13) {
                        renegotiationAt = from;
                        return split(stream.toByteArray(), recordEnds);
                    }
                }
                if (from == plaintext.length) {
                    break;
                }
                ByteBuffer src = ByteBuffer.wrap(plaintext, from, Math.min(writeSize, plaintext.length - from));
                while (src.hasRemaining()) {
                    int before = src.position();
                    out.clear();
                    SSLEngineResult r = engine.wrap(src, out);
                    assertThat(r.getStatus()).as("the client's wrap").isEqualTo(SSLEngineResult.Status.OK);
                    splitRecords(out, stream, before, recordEnds);
                }
                from = src.position();
            }
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                out.clear();
                engine.wrap(ByteBuffer.allocate(0), out);
                splitRecords(out, stream, plaintext.length, recordEnds);
            }
            return split(stream.toByteArray(), recordEnds);
        }

        private static List<byte[]> split(byte[] all, List<Integer> recordEnds) {
            List<byte[]> records = new ArrayList<>();
            int start = 0;
            for (int end : recordEnds) {
                records.add(Arrays.copyOfRange(all, start, end));
                start = end;
            }
            return records;
        }

        /** Where in the plaintext the client's TLS 1.2 renegotiation came, which the server refuses; -1 if none. */
        int renegotiationAt() {
            return renegotiationAt;
        }

        /** Appends the records in {@code out} to {@code stream}, noting their ends and plaintext starts. */
        private void splitRecords(ByteBuffer out, ByteArrayOutputStream stream, int plaintextStart,
                                  List<Integer> recordEnds) {
            out.flip();
            while (out.hasRemaining()) {
                int length = TlsRecords.length(out);
                assertThat(length).as("a whole record from the client's engine").isPositive()
                        .isLessThanOrEqualTo(out.remaining());
                stream.write(out.array(), out.position(), length);
                out.position(out.position() + length);
                recordEnds.add(stream.size());
                plaintextStarts.add(plaintextStart);
            }
        }

        /**
         * How much plaintext the records before record {@code r} carry: where the plaintext of the {@code wrap} that
         * made record {@code r} starts (the JDK's engine makes one record per {@code wrap}).
         */
        int plaintextBefore(int r) {
            return plaintextStarts.get(r);
        }
    }

    // ------------------------------------------------------------------------------------------ the SNI peek

    /** Whether the record of {@code length} bytes is a handshake record holding one whole message and nothing else. */
    private static boolean helloFillsRecord(byte[] input, int length) {
        if (input[0] != 22 || length < TlsRecords.HEADER + 4) {
            return false;
        }
        int message = ((input[6] & 0xff) << 16) | ((input[7] & 0xff) << 8) | (input[8] & 0xff);
        return TlsRecords.HEADER + 4 + message == length;
    }

    /**
     * Whether a fresh server engine takes {@code record} as a client's first flight and answers it; {@code matcher}
     * sees the host name it read.
     */
    private static boolean serverEngineAccepts(byte[] record, RecordingMatcher matcher) {
        SSLEngine engine = SERVER_CONTEXT.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setSNIMatchers(List.of(matcher));
        engine.setSSLParameters(p);
        try {
            engine.beginHandshake();
            ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
            SSLEngineResult r = engine.unwrap(ByteBuffer.wrap(record), app);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                return false;
            }
            for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                t.run();
            }
            if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                return false;
            }
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            return engine.wrap(ByteBuffer.allocate(0), out).bytesProduced() > 0; // the server's hello
        } catch (SSLException | RuntimeException refused) {
            return false;
        } finally {
            engine.closeOutbound();
        }
    }

    /** Accepts any host name and remembers the one the engine offered it. */
    private static final class RecordingMatcher extends SNIMatcher {
        String name;

        RecordingMatcher() {
            super(0); // host_name
        }

        @Override
        public boolean matches(SNIServerName serverName) {
            name = serverName instanceof SNIHostName h ? h.getAsciiName() : null;
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------ outcomes

    private static Throwable failure(AsyncFuture<?> f) throws InterruptedException {
        try {
            Object value = f.get();
            return fail("expected a failure, got %s", value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
