package dev.cachai.server.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER to wrap the traditional OpenSSL key formats into what the JDK's KeyFactory
 * reads: PKCS#1 RSA and SEC1 EC private keys into PKCS#8, PKCS#1 RSA public keys into X.509
 * SubjectPublicKeyInfo.
 */
final class Der {
    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int OCTET_STRING = 0x04;
    private static final int NULL = 0x05;
    private static final int OID = 0x06;
    private static final int EC_PARAMETERS_TAG = 0xa0;
    /** 1.2.840.113549.1.1.1 */
    private static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** 1.2.840.10045.2.1 */
    private static final byte[] EC_PUBLIC_KEY = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Der() {}

    static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        return privateKeyInfo(rsaAlgorithm(), pkcs1);
    }

    static byte[] spkiFromPkcs1(byte[] pkcs1) {
        byte[] bits = new byte[pkcs1.length + 1]; // a leading 0: no unused bits
        System.arraycopy(pkcs1, 0, bits, 1, pkcs1.length);
        return tlv(SEQUENCE, concat(rsaAlgorithm(), tlv(BIT_STRING, bits)));
    }

    private static byte[] rsaAlgorithm() {
        return tlv(SEQUENCE, concat(tlv(OID, RSA_ENCRYPTION), tlv(NULL, new byte[0])));
    }

    /** SEC1 keeps the curve in its optional [0] field; PKCS#8 wants it in the algorithm identifier. */
    static byte[] pkcs8FromSec1(byte[] sec1) {
        byte[] curve = null;
        Reader r = new Reader(sec1);
        Reader fields = r.enter(SEQUENCE);
        fields.skip(INTEGER);
        fields.skip(OCTET_STRING);
        while (fields.hasMore()) {
            int tag = fields.peekTag();
            byte[] value = fields.read(tag);
            if (tag == EC_PARAMETERS_TAG) {
                curve = value; // the OID's full TLV
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("EC private key without its curve");
        }
        byte[] algorithm = tlv(SEQUENCE, concat(tlv(OID, EC_PUBLIC_KEY), curve));
        return privateKeyInfo(algorithm, sec1);
    }

    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        return tlv(SEQUENCE, concat(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, key)));
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Reads TLVs of definite length, failing with a clear message on anything malformed. */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        private Reader(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int peekTag() {
            require(pos < end);
            return buf[pos] & 0xff;
        }

        /** The contents of the next TLV, which must have {@code tag}. */
        Reader enter(int tag) {
            int[] bounds = next(tag);
            return new Reader(buf, bounds[0], bounds[1]);
        }

        void skip(int tag) {
            next(tag);
        }

        /** The contents of the next TLV, which must have {@code tag}. */
        byte[] read(int tag) {
            int[] bounds = next(tag);
            return Arrays.copyOfRange(buf, bounds[0], bounds[1]);
        }

        private int[] next(int tag) {
            require(pos + 2 <= end && (buf[pos] & 0xff) == tag);
            pos++;
            int len = buf[pos++] & 0xff;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                require(bytes >= 1 && bytes <= 3 && pos + bytes <= end);
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (buf[pos++] & 0xff);
                }
            }
            require(pos + len <= end);
            int start = pos;
            pos += len;
            return new int[] {start, pos};
        }

        private static void require(boolean ok) {
            if (!ok) {
                throw new IllegalArgumentException("malformed DER in private key");
            }
        }
    }
}
