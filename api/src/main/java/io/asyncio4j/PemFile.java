package io.asyncio4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The blocks of a PEM file (RFC 7468): the base64 between each {@code -----BEGIN LABEL-----} line and its
 * {@code -----END LABEL-----}, decoded, by label. Text outside the blocks (OpenSSL's "Bag Attributes", comments) is
 * skipped; the RFC 1421 headers of a legacy encrypted key ({@code Proc-Type: 4,ENCRYPTED}) are noted, not decoded.
 */
final class PemFile {

    /** One block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and the bytes it encodes. */
    record Block(String label, boolean encryptedHeader, byte[] der) {
    }

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private final Path file;
    private final List<Block> blocks;

    private PemFile(Path file, List<Block> blocks) {
        this.file = file;
        this.blocks = blocks;
    }

    /**
     * Reads and splits {@code file}.
     *
     * @throws IOException if the file cannot be read, or a block is not terminated or not base64
     */
    static PemFile read(Path file) throws IOException {
        // ISO-8859-1 maps every byte to a character, so a binary file given by mistake reads as "no PEM block".
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        String label = null;
        boolean encryptedHeader = false;
        StringBuilder base64 = new StringBuilder();
        for (String raw : text.split("\r?\n|\r")) {
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + 5) {
                    label = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    encryptedHeader = false;
                    base64.setLength(0);
                }
            } else if (line.startsWith(END)) {
                if (!line.equals(END + label + DASHES)) {
                    throw new IOException("the PEM block " + label + " in " + file + " ends with " + line);
                }
                blocks.add(new Block(label, encryptedHeader, decode(base64, label, file)));
                label = null;
            } else if (line.indexOf(':') >= 0) {
                encryptedHeader |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new IOException("the PEM block " + label + " in " + file + " has no END line");
        }
        return new PemFile(file, List.copyOf(blocks));
    }

    private static byte[] decode(CharSequence base64, String label, Path file) throws IOException {
        try {
            return Base64.getDecoder().decode(base64.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException("the PEM block " + label + " in " + file + " is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    /** @return the file read */
    Path file() {
        return file;
    }

    /** @return the blocks in file order */
    List<Block> blocks() {
        return blocks;
    }

    /** @return the blocks labelled {@code label}, in file order */
    List<Block> blocks(String label) {
        return blocks.stream().filter(b -> b.label().equals(label)).toList();
    }
}
