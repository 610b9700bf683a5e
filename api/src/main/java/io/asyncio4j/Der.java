package io.asyncio4j;

import java.io.ByteArrayOutputStream;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Just enough of ASN.1 DER to look inside a private key's structure and to wrap one structure in another: read an
 * element's tag and bounds, list a sequence's elements, decode an object identifier, write an element. Single-byte
 * tags and definite lengths only, which is all DER allows for the structures of keys.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OBJECT_IDENTIFIER = 0x06;
    static final int SEQUENCE = 0x30;

    /** One element of {@code bytes}: its tag, where its content starts and where the element ends. */
    record Element(byte[] bytes, int tag, int contentStart, int end) {

        byte[] content() {
            return Arrays.copyOfRange(bytes, contentStart, end);
        }
    }

    private Der() {
    }

    /** Reads the element that starts at {@code offset} and ends no later than {@code limit}. */
    static Element read(byte[] bytes, int offset, int limit) throws InvalidKeySpecException {
        if (offset + 2 > limit) {
            throw new InvalidKeySpecException("truncated DER element at byte " + offset);
        }
        int tag = bytes[offset] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new InvalidKeySpecException("multi-byte DER tag at byte " + offset);
        }
        int first = bytes[offset + 1] & 0xff;
        int position = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 4 || position + count > limit) {
                throw new InvalidKeySpecException("bad DER length at byte " + (offset + 1));
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[position++] & 0xff);
            }
        }
        if (length > limit - position) {
            throw new InvalidKeySpecException("DER element at byte " + offset + " runs past its container");
        }
        return new Element(bytes, tag, position, position + (int) length);
    }

    /** Reads the element that fills {@code bytes}, which must be of type {@code tag}. */
    static Element readWhole(byte[] bytes, int tag) throws InvalidKeySpecException {
        Element element = read(bytes, 0, bytes.length);
        if (element.tag() != tag || element.end() != bytes.length) {
            throw new InvalidKeySpecException("not a single DER element of tag 0x" + Integer.toHexString(tag));
        }
        return element;
    }

    /** The elements inside a constructed element such as a sequence. */
    static List<Element> children(Element parent) throws InvalidKeySpecException {
        List<Element> children = new ArrayList<>();
        int offset = parent.contentStart();
        while (offset < parent.end()) {
            Element child = read(parent.bytes(), offset, parent.end());
            children.add(child);
            offset = child.end();
        }
        return children;
    }

    /** The dotted form of an object identifier element, such as {@code 1.2.840.10045.2.1}. */
    static String objectIdentifier(Element oid) throws InvalidKeySpecException {
        if (oid.tag() != OBJECT_IDENTIFIER || oid.end() == oid.contentStart()) {
            throw new InvalidKeySpecException("not an object identifier");
        }
        StringBuilder dotted = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = oid.contentStart(); i < oid.end(); i++) {
            int b = oid.bytes()[i] & 0xff;
            if (value > (Long.MAX_VALUE >> 7)) {
                throw new InvalidKeySpecException("object identifier arc too large");
            }
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) != 0) {
                continue;
            }
            if (first) {
                // The first encoded number packs the first two arcs as 40 * first + second.
                long top = Math.min(value / 40, 2);
                dotted.append(top).append('.').append(value - 40 * top);
                first = false;
            } else {
                dotted.append('.').append(value);
            }
            value = 0;
        }
        return dotted.toString();
    }

    /** Writes an element of type {@code tag} whose content is the concatenation of {@code contents}. */
    static byte[] element(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int shift = 8 * (count - 1); shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }
}
