#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets (run from the repository root; idempotent).

Each target documents its input layout in its Javadoc; this file only encodes a few starting points in it.
Inputs the fuzzer finds are added to the same directories by hand (see fuzz/run).
"""
import os
import re

HTTP = "samples/src/test/resources/io/asyncio4j/samples/http/HttpCodecFuzzTestInputs/"
REQUESTS = HTTP + "requestsParseToTheGrammarAndKeepTheFraming"
CHUNKED = HTTP + "chunkedBodiesDecodeLikeTheReference"
HOSTILE = "samples/src/test/resources/http-corpus/hostile-requests.txt"
NIO = "nio-adapter/src/test/resources/io/asyncio4j/nio/FramingFuzzTestInputs/readLineAndReadUntilFrameTheStream"


def framing(limit, mode, watermark, segments, stream, delim=b"\n"):
    head = bytes([limit - 1, mode | ((watermark - 1) << 2), delim[0], len(segments)])
    return head + bytes(s - 1 for s in segments) + stream


def hostile_requests():
    """(name, bytes) of each entry of the hostile HTTP corpus, its escapes expanded (see that file's header)."""
    for raw in open(HOSTILE, encoding="iso-8859-1"):
        raw = raw.rstrip("\n")
        if not raw.strip() or raw.startswith("#"):
            continue
        name, _, request = raw.split(" | ", 2)
        while True:
            expanded = re.sub(r"\\\{(\d+)\*([^{}]*)\}", lambda m: m.group(2) * int(m.group(1)), request)
            if expanded == request:
                break
            request = expanded
        if request.endswith("\\z"):
            request = request[:-2]
        out, i = bytearray(), 0
        while i < len(request):
            c = request[i]
            if c == "\\":
                e = request[i + 1]
                if e == "x":
                    out.append(int(request[i + 2:i + 4], 16))
                    i += 4
                    continue
                out += {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}[e]
                i += 2
                continue
            out += c.encode("iso-8859-1")
            i += 1
        yield name, bytes(out)


def chunked(line_limit, body_limit, trailer_bytes, trailer_fields, segments, body):
    head = bytes([line_limit - 3, body_limit // 4, (trailer_bytes - 8) // 4 | (trailer_fields - 1) << 5,
                  len(segments)])
    return head + bytes(s - 1 for s in segments) + body


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    seeds = {
        "lines-crlf": framing(16, 0, 64, [], b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        "lines-split-crlf": framing(16, 0, 4, [3, 1, 2], b"ab\r\ncd\r\r\nef\n\ngh"),
        "line-cr-at-eof": framing(16, 0, 64, [], b"abc\r"),
        "line-exactly-limit": framing(4, 0, 64, [1], b"abc\nabcd\nabcde"),
        "line-overlong": framing(8, 0, 2, [5, 7], b"0123456789abcdef\nshort\n"),
        "line-nul-and-high": framing(32, 0, 64, [2], b"\x00\xff\xfe\r\n\xc3\x28\n"),
        "until-crlf-split": framing(12, 1, 8, [1], b"a\r\nbb\r\r\n\r\nc\r"),
        "until-crlf-overlong": framing(5, 1, 3, [4, 2], b"abcd\r\nabc\r\nx"),
        "until-byte": framing(6, 2, 64, [2, 3], b"12;345;;6789;0", b";"),
        "until-byte-eof": framing(10, 2, 64, [], b"no-delimiter", b";"),
        "empty": framing(1, 0, 1, [], b""),
    }
    for name, data in seeds.items():
        write(NIO, name, data)

    # Requests: every twelfth entry of the hostile corpus and every third chunked one, in one write; some of
    # them also cut into small segments.
    picked = [(name, r) for i, (name, r) in enumerate(hostile_requests())
              if len(r) <= 1500 and (i % 12 == 0 or ("chunk" in name and i % 3 == 0))]
    for i, (name, request) in enumerate(picked):
        write(REQUESTS, name, bytes([0]) + request)
        if i % 4 == 0:
            write(REQUESTS, name + "-segmented", bytes([3, 0, 6, 2]) + request)
    write(REQUESTS, "empty-lines-only", bytes([0]) + b"\r\n\n")

    bodies = {
        "one-chunk": chunked(64, 1000, 128, 4, [], b"5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n"),
        "two-chunks-split": chunked(16, 100, 64, 2, [1, 2, 3], b"3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\n\r\n"),
        "trailers": chunked(16, 100, 64, 2, [], b"1\r\nz\r\n0\r\nX-T: 1\r\nY: 2\n\r\nrest"),
        "trailer-too-many": chunked(16, 100, 64, 1, [], b"0\r\nA: 1\r\nB: 2\r\n\r\n"),
        "bare-lf-size": chunked(16, 100, 64, 2, [], b"3\nabc\r\n0\r\n\r\n"),
        "data-then-lf": chunked(16, 100, 64, 2, [], b"3\r\nabc\n0\r\n\r\n"),
        "over-body-limit": chunked(16, 8, 64, 2, [4], b"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"),
        "line-at-limit": chunked(5, 100, 64, 2, [], b"1;a\r\nx\r\n1;ab\r\ny\r\n0\r\n\r\n"),
        "overflow": chunked(64, 100, 64, 2, [], b"10000000000000000\r\n"),
        "extension-with-cr": chunked(16, 100, 64, 2, [], b"1;a\rb\r\nx\r\n0\r\n\r\n"),
        "truncated": chunked(16, 100, 64, 2, [2], b"a\r\n01234"),
        "obs-fold-trailer": chunked(16, 100, 64, 4, [], b"0\r\nA: 1\r\n B\r\n\r\n"),
    }
    for name, data in bodies.items():
        write(CHUNKED, name, data)


if __name__ == "__main__":
    main()
