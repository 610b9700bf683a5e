package io.asyncio4j;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * Decodes the one unencrypted private key of a PEM file: PKCS#8 ({@code PRIVATE KEY}) of an RSA, RSASSA-PSS, EC,
 * Ed25519 or Ed448 key, or the older OpenSSL forms PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}), which are wrapped into PKCS#8 first because that is the only form the JDK's key
 * factories read. Encrypted keys are refused with the command that decrypts them.
 */
final class PemPrivateKey {

    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1 = "RSA PRIVATE KEY";
    private static final String SEC1 = "EC PRIVATE KEY";
    private static final String ENCRYPTED_PKCS8 = "ENCRYPTED PRIVATE KEY";

    private static final Map<String, String> KEY_FACTORY_BY_OID = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    // The encoded object identifiers rsaEncryption (1.2.840.113549.1.1.1) and id-ecPublicKey (1.2.840.10045.2.1).
    private static final byte[] RSA_ENCRYPTION_OID =
            {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY_OID =
            {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] VERSION_ZERO = {Der.INTEGER, 0x01, 0x00};

    private PemPrivateKey() {
    }

    /**
     * Reads the private key of {@code pem}.
     *
     * @throws IOException              if the file holds no private key, more than one, or an encrypted one
     * @throws GeneralSecurityException if the key cannot be decoded or is of an algorithm TLS does not use
     */
    static PrivateKey read(PemFile pem) throws IOException, GeneralSecurityException {
        List<PemFile.Block> keys = pem.blocks().stream().filter(b -> b.label().endsWith(PKCS8)).toList();
        Path file = pem.file();
        if (keys.isEmpty()) {
            throw new IOException("no PEM private key (-----BEGIN PRIVATE KEY-----) in " + file
                    + "; a PKCS#12 or JKS key store is read by TlsContexts.fromKeyStore");
        }
        if (keys.size() > 1) {
            throw new IOException(keys.size() + " private keys in " + file + "; give a file with one");
        }
        PemFile.Block key = keys.get(0);
        if (key.label().equals(ENCRYPTED_PKCS8) || key.encryptedHeader()) {
            throw new IOException("the private key in " + file + " is encrypted; write it unencrypted with: "
                    + conversion(file));
        }
        try {
            switch (key.label()) {
                case PKCS8:
                    return decodePkcs8(key.der(), file);
                case PKCS1:
                    return decodePkcs8(wrap(RSA_ENCRYPTION_OID, Der.element(Der.NULL), key.der()), file);
                case SEC1:
                    return decodePkcs8(wrap(EC_PUBLIC_KEY_OID, curveOf(key.der(), file), key.der()), file);
                default:
                    throw new IOException("the private key in " + file + " is a " + key.label()
                            + "; give a PKCS#8 key (PRIVATE KEY), as " + conversion(file) + " writes");
            }
        } catch (InvalidKeySpecException e) {
            throw new InvalidKeySpecException("the " + key.label() + " in " + file + " cannot be decoded: "
                    + e.getMessage(), e);
        }
    }

    private static PrivateKey decodePkcs8(byte[] der, Path file) throws GeneralSecurityException {
        List<Der.Element> fields = Der.children(Der.readWhole(der, Der.SEQUENCE));
        if (fields.size() < 3 || fields.get(1).tag() != Der.SEQUENCE) {
            throw new InvalidKeySpecException("not a PKCS#8 PrivateKeyInfo");
        }
        List<Der.Element> algorithm = Der.children(fields.get(1));
        if (algorithm.isEmpty()) {
            throw new InvalidKeySpecException("no key algorithm");
        }
        String oid = Der.objectIdentifier(algorithm.get(0));
        String factory = KEY_FACTORY_BY_OID.get(oid);
        if (factory == null) {
            throw new InvalidKeySpecException("the key algorithm " + oid + " is none of RSA, RSASSA-PSS, EC, "
                    + "Ed25519 and Ed448");
        }
        return KeyFactory.getInstance(factory).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** The curve of a SEC1 ECPrivateKey: its {@code [0]} parameters, an object identifier naming the curve. */
    private static byte[] curveOf(byte[] sec1, Path file) throws InvalidKeySpecException {
        for (Der.Element field : Der.children(Der.readWhole(sec1, Der.SEQUENCE))) {
            if (field.tag() == 0xa0) {
                return field.content();
            }
        }
        throw new InvalidKeySpecException("the key does not name its curve; convert it with: " + conversion(file));
    }

    /** A PKCS#8 PrivateKeyInfo holding {@code key} for the algorithm {@code oid} with {@code parameters}. */
    private static byte[] wrap(byte[] oid, byte[] parameters, byte[] key) {
        return Der.element(Der.SEQUENCE, VERSION_ZERO, Der.element(Der.SEQUENCE, oid, parameters),
                Der.element(Der.OCTET_STRING, key));
    }

    private static String conversion(Path file) {
        return "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pem";
    }
}
