package io.asyncio4j.benchmarks;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The load drivers' TLS client: the JDK's {@link SSLEngine} between the caller's plaintext and a socket channel's
 * ciphertext, blocking or non-blocking as the channel is configured, on one thread.
 *
 * <p>{@link #write} counts plaintext as written only once all of its records are on the socket: while a record is
 * still partly unsent it returns 0 and keeps the bytes in the caller's buffer, which must be passed again. So a
 * caller that waits for {@code OP_WRITE} while its buffer has bytes left, and for {@code OP_READ} once it has none,
 * as a plaintext one would, never leaves a record stranded. {@link #read} unwraps every whole record it has before
 * asking the socket for more, so no plaintext waits in this object while the caller waits for the socket.
 */
final class TlsClientChannel implements ByteChannel {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    /** Ciphertext read from the socket and not yet unwrapped; kept ready for writing into. */
    private ByteBuffer netIn;
    /** Ciphertext wrapped and not yet on the socket; kept ready for reading from. */
    private ByteBuffer netOut;
    /** Plaintext unwrapped and not yet read; kept ready for reading from. */
    private ByteBuffer appIn;
    /** How many of the caller's bytes the records in {@link #netOut} hold. */
    private int wrappedUnsent;
    private boolean handshakeBegun;

    /**
     * @param socket a connected socket channel
     * @param engine a client engine that has not started its handshake; {@link #handshake()} starts it
     */
    TlsClientChannel(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        this.netIn = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize());
        this.netOut = ByteBuffer.allocateDirect(engine.getSession().getPacketBufferSize()).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    /** @return the socket underneath, for registering with a selector */
    SocketChannel socket() {
        return socket;
    }

    /**
     * Moves the handshake on as far as the socket allows; on a blocking socket, to its end.
     *
     * @return true once the handshake is complete and its last record sent; false when it waits for the socket:
     *         for {@code OP_WRITE} if {@link #wantsWrite()}, else for {@code OP_READ}
     * @throws IOException if the handshake fails or the server closes the connection
     */
    boolean handshake() throws IOException {
        if (!handshakeBegun) {
            handshakeBegun = true;
            engine.beginHandshake();
        }
        while (true) {
            if (!flush()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP:
                    wrap(EMPTY);
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    SSLEngineResult.Status status = unwrap().getStatus();
                    if (status == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the server closed TLS during the handshake");
                    }
                    if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int n = socket.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the server closed the connection during the handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    }
                    break;
                case NEED_TASK:
                    runTasks();
                    break;
                default:
                    return true;
            }
        }
    }

    /** @return whether wrapped records wait for the socket to take them */
    boolean wantsWrite() {
        return netOut.hasRemaining();
    }

    /**
     * Writes as much of {@code src} as the socket takes, a record at a time.
     *
     * @param src plaintext; after a return of 0 with bytes left, pass the same buffer again
     * @return the plaintext bytes whose records are all on the socket, by which {@code src} has advanced
     * @throws IOException if the socket or the engine fails
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int written = 0;
        if (netOut.hasRemaining()) {
            if (!flush()) {
                return 0;
            }
            written += sent(src);
        }
        while (src.hasRemaining()) {
            int from = src.position();
            wrap(src);
            wrappedUnsent = src.position() - from;
            src.position(from);
            if (wrappedUnsent == 0 && !netOut.hasRemaining()) {
                throw new SSLException("the engine takes no application data: " + engine.getHandshakeStatus());
            }
            if (!flush()) {
                break;
            }
            written += sent(src);
        }
        return written;
    }

    private int sent(ByteBuffer src) {
        int n = wrappedUnsent;
        src.position(src.position() + n);
        wrappedUnsent = 0;
        return n;
    }

    /**
     * Reads plaintext into {@code dst} until it is full or the socket has nothing more for now.
     *
     * @param dst where the plaintext goes
     * @return the bytes read, 0 if none are there yet, -1 at the server's close_notify or end of stream
     * @throws IOException if the socket or the engine fails
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int read = 0;
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                int n = Math.min(appIn.remaining(), dst.remaining());
                dst.put(appIn.slice().limit(n));
                appIn.position(appIn.position() + n);
                read += n;
                continue;
            }
            SSLEngineResult result = unwrap();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return read > 0 ? read : -1;
            }
            answerPostHandshake();
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                int n = socket.read(netIn);
                if (n <= 0) {
                    return read > 0 || n == 0 ? read : -1;
                }
            } else if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                return read; // the engine waits for something other than input: no use spinning on it
            }
        }
        return read;
    }

    /** Runs what a TLS 1.3 server's post-handshake messages ask of the client (a KeyUpdate's answer). */
    private void answerPostHandshake() throws IOException {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP && !netOut.hasRemaining()) {
            wrap(EMPTY);
            flush();
        }
    }

    /**
     * Sends close_notify, as far as the socket takes it now; what is left goes with the next {@link #flush()}.
     *
     * @return whether it is all on the socket
     * @throws IllegalStateException if earlier records are still unsent
     * @throws IOException if the socket fails
     */
    boolean closeOutbound() throws IOException {
        if (wantsWrite()) {
            throw new IllegalStateException("earlier records are still unsent");
        }
        engine.closeOutbound();
        wrap(EMPTY);
        return flush();
    }

    /**
     * Writes what wrapped records are left.
     *
     * @return whether none are
     * @throws IOException if the socket fails
     */
    boolean flush() throws IOException {
        if (netOut.hasRemaining()) {
            socket.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    /** Closes the socket, without close_notify. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Wraps into the empty {@link #netOut}, growing it when the session's records outgrow it. */
    private void wrap(ByteBuffer src) throws SSLException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(src, netOut);
            netOut.flip();
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return;
            }
            netOut = ByteBuffer.allocateDirect(Math.max(2 * netOut.capacity(),
                    engine.getSession().getPacketBufferSize())).flip();
        }
    }

    /**
     * Unwraps from {@link #netIn} into {@link #appIn}, growing either when the session's sizes outgrow it.
     *
     * @return the engine's result; {@code BUFFER_UNDERFLOW} when the socket must be read first
     */
    private SSLEngineResult unwrap() throws SSLException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
                appIn.flip();
            }
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW:
                    appIn = ByteBuffer.allocate(Math.max(2 * appIn.capacity(),
                            appIn.remaining() + engine.getSession().getApplicationBufferSize())).put(appIn).flip();
                    break;
                case BUFFER_UNDERFLOW:
                    if (!netIn.hasRemaining()) { // full, and still not a whole record
                        netIn = ByteBuffer.allocateDirect(netIn.capacity()
                                + engine.getSession().getPacketBufferSize()).put(netIn.flip());
                    }
                    return result;
                default:
                    return result;
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
