#!/usr/bin/env python3
"""A TLS echo peer on Python's ssl module, for asyncio4j's interop tests (TlsInteropTest).

    tls_peer.py server CERT KEY VERSION
        Listens on 127.0.0.1, port 0, and prints "PORT <n>". Serves one connection: prints "PROTOCOL <version>"
        once the handshake is done, echoes what it reads until the client's close_notify, answers with its own,
        prints "CLEAN END" and exits 0.

    tls_peer.py client PORT CAFILE VERSION LINE
        Connects to 127.0.0.1:PORT as a TLS client of "localhost", checking the certificate and the name against
        CAFILE; prints "PROTOCOL <version>", sends LINE and a newline, prints "ECHO <line>" for the line it reads
        back, sends close_notify, waits for the server's, prints "CLEAN END" and exits 0.

VERSION (TLSv1.2 or TLSv1.3) is the only version the peer allows. A raw end of the stream without close_notify is
an error, as is a wait longer than 30 seconds: the script then exits non-zero with the traceback.
"""
import socket
import ssl
import sys

TIMEOUT_SECONDS = 30
VERSIONS = {"TLSv1.2": ssl.TLSVersion.TLSv1_2, "TLSv1.3": ssl.TLSVersion.TLSv1_3}


def only(context, version):
    context.minimum_version = VERSIONS[version]
    context.maximum_version = VERSIONS[version]
    return context


def serve(cert, key, version):
    context = only(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), version)
    context.load_cert_chain(cert, key)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT_SECONDS)
        print("PORT", listener.getsockname()[1], flush=True)
        raw, _ = listener.accept()
        raw.settimeout(TIMEOUT_SECONDS)
        with context.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False) as tls:
            print("PROTOCOL", tls.version(), flush=True)
            while True:
                data = tls.recv(16384)
                if not data:  # the client's close_notify; a raw end raises instead
                    break
                tls.sendall(data)
            tls.unwrap()
            print("CLEAN END", flush=True)


def connect(port, cafile, version, line):
    context = only(ssl.create_default_context(cafile=cafile), version)
    with socket.create_connection(("127.0.0.1", int(port)), timeout=TIMEOUT_SECONDS) as raw:
        with context.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False) as tls:
            print("PROTOCOL", tls.version(), flush=True)
            tls.sendall(line.encode("ascii") + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                data = tls.recv(16384)
                if not data:
                    raise EOFError("the server's close_notify came before the echo")
                reply += data
            print("ECHO", reply[:-1].decode("ascii"), flush=True)
            tls.unwrap()
            print("CLEAN END", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "server":
        serve(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "client":
        connect(*sys.argv[2:])
    else:
        sys.exit(__doc__)
