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
CHAT = "samples/src/test/resources/io/asyncio4j/samples/chat/ChatFuzzTestInputs/everyLineReachesEveryOtherClientInOrder"
NIO = "nio-adapter/src/test/resources/io/asyncio4j/nio/FramingFuzzTestInputs/readLineAndReadUntilFrameTheStream"
MIXED = "nio-adapter/src/test/resources/io/asyncio4j/nio/FramingFuzzTestInputs/mixedAndCancelledReadsLoseNoBytes"
FRAMES = "nio-adapter/src/test/resources/io/asyncio4j/nio/FramingFuzzTestInputs/readFrameDecodesLengthPrefixedFrames"

EXACTLY, SOME, INTO, UNTIL_CRLF, UNTIL_LF, UNTIL_SEMI, CLAIMED_INTO, CLAIMED_UNTIL_LF = range(8)


def mixed(watermark, segments, ops, stream):
    """ops: (method, size or limit, cancel after this many segments or None)."""
    out = bytes([watermark - 1, len(segments)]) + bytes(s - 1 for s in segments) + bytes([len(ops)])
    for method, arg, cancel in ops:
        out += bytes([method | (0 if cancel is None else 8 | cancel << 4), arg])
    return out + stream


def framing(limit, mode, watermark, segments, stream, delim=b"\n"):
    head = bytes([limit - 1, mode | ((watermark - 1) << 2), delim[0], len(segments)])
    return head + bytes(s - 1 for s in segments) + stream


def frame_seed(limit, watermark, segments, stream, skip=False, cancel=0):
    """cancel: 1 each read first cancelled while it waits, 2 after its claim (see the target's Javadoc)."""
    head = bytes([limit - 1, (watermark - 1) | (0x40 if skip else 0), cancel, len(segments)])
    return head + bytes(s - 1 for s in segments) + stream


def frames(*payloads):
    """Length-prefixed frames: one byte of length, then the payload."""
    return b"".join(bytes([len(p)]) + p for p in payloads)


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


def chat(*records):
    """records: (client, payload, crlf, pad); pad lengthens the line to 1016 + len(payload) bytes."""
    out = bytearray()
    for client, payload, crlf, pad in records:
        bits = len(payload) << 4 | pad << 3 | crlf << 2
        header = next(bits | low for low in range(4) if (bits | low) % 3 == client)
        out.append(header)
        out += payload
    return bytes(out)


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

    mixes = {
        "each-method-once": mixed(64, [3], [(EXACTLY, 4, None), (SOME, 2, None), (INTO, 5, None),
                                            (UNTIL_CRLF, 16, None), (UNTIL_LF, 16, None), (UNTIL_SEMI, 8, None)],
                                  b"abcdefghijk\r\nline\nsemi;rest"),
        "cancelled-while-waiting": mixed(4, [2, 1], [(UNTIL_CRLF, 32, 2), (INTO, 3, 1), (EXACTLY, 10, 3),
                                                    (UNTIL_CRLF, 32, None)], b"0123456789\r\ntail"),
        "overrun-then-exactly": mixed(8, [4], [(UNTIL_LF, 5, None), (EXACTLY, 9, None), (UNTIL_LF, 5, None)],
                                      b"toolongline\nok\n"),
        "reads-past-the-end": mixed(64, [], [(EXACTLY, 20, None), (SOME, 4, None), (INTO, 4, None),
                                            (UNTIL_SEMI, 9, None)], b"short"),
        "into-straight-from-socket": mixed(1, [1], [(INTO, 0, None), (INTO, 2, 1), (INTO, 7, None)], b"xyzw"),
        "cancel-after-claim": mixed(64, [2, 3], [(CLAIMED_INTO, 3, None), (CLAIMED_UNTIL_LF, 8, None),
                                                (SOME, 1, None), (CLAIMED_INTO, 0, None), (UNTIL_LF, 9, None)],
                                    b"ab\ncdefgh\nij"),
        "cancel-after-claim-buffered": mixed(64, [], [(CLAIMED_UNTIL_LF, 4, None), (CLAIMED_INTO, 9, None)],
                                             b"x\nyz\nrest"),
    }
    for name, data in mixes.items():
        write(MIXED, name, data)

    frame_seeds = {
        "one-segment": frame_seed(256, 64, [], frames(b"hello", b"", b"world!", b"x")),
        "split-across-segments": frame_seed(200, 64, [1, 3, 2], frames(b"hello", b"", b"world!", b"x" * 40)),
        "merge-buffer-refilled": frame_seed(40, 64, [7, 2], frames(b"a" * 30, b"b" * 12, b"c" * 35, b"d")),
        "exactly-the-limit": frame_seed(5, 64, [2], frames(b"abcd", b"efgh", b"i")),
        "overrun-then-frames": frame_seed(4, 2, [2], b"\x09abcdefghi" + frames(b"ok", b"")),
        "overrun-at-eof": frame_seed(3, 64, [], b"\x05abcd"),
        "eof-mid-frame": frame_seed(100, 64, [2, 1], frames(b"abc") + b"\x0apart"),
        "eof-mid-frame-skipped": frame_seed(100, 64, [2, 1], frames(b"abc") + b"\x0apart", skip=True),
        "cancelled-while-waiting": frame_seed(64, 8, [3, 1], frames(b"abcdef", b"gh", b"") + b"\x03i", cancel=1),
        "cancelled-after-claim": frame_seed(64, 64, [4, 2], frames(b"abcdef", b"gh", b"") + b"\x03i", cancel=2),
        "cancelled-after-claim-skipped": frame_seed(64, 64, [5], frames(b"xy") + b"\x07abc", skip=True, cancel=2),
        "empty": frame_seed(1, 1, [], b""),
    }
    for name, data in frame_seeds.items():
        write(FRAMES, name, data)

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

    conversations = {
        "hello": chat((0, b"hello", 0, 0), (1, b"hi there", 1, 0), (2, b"", 1, 0), (0, b"bye", 1, 0)),
        "line-limit-boundaries": chat((0, b"12345678", 1, 1), (1, b"123456789", 0, 1), (2, b"123456789", 1, 1)),
        "overlong-then-normal": chat((0, b"y" * 15, 0, 1), (0, b"ok", 1, 0), (1, b"seen?", 0, 0)),
        "bare-cr-nul-binary": chat((0, b"a\rb", 1, 0), (1, b"\x00\xff\xfe", 0, 0), (2, b"\xc3(", 1, 0),
                                   (0, b"x\r", 1, 0), (1, b"\r", 0, 0)),
        "lf-inside-payload": chat((0, b"ab\ncd\r\n\nef", 0, 0), (2, b"\n\n", 1, 0)),
        "empty": b"",
    }
    for name, data in conversations.items():
        write(CHAT, name, data)


if __name__ == "__main__":
    main()
