package io.sslstream.cli.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes small DICOM Part 10 files, explicit VR little endian, for tests: a secondary-capture-like image with the
 * patient attributes a leak test looks for. Elements are written in tag order, as the standard requires.
 */
final class DicomWriter {

    private final TreeMap<Integer, byte[]> elements = new TreeMap<>();
    private final Map<Integer, String> vrs = new TreeMap<>();

    DicomWriter str(int tag, String vr, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        if (v.length % 2 == 1) {
            byte[] p = new byte[v.length + 1];
            System.arraycopy(v, 0, p, 0, v.length);
            p[v.length] = (byte) (vr.equals("UI") ? 0 : ' ');
            v = p;
        }
        elements.put(tag, v);
        vrs.put(tag, vr);
        return this;
    }

    DicomWriter us(int tag, int value) {
        elements.put(tag, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
        vrs.put(tag, "US");
        return this;
    }

    DicomWriter pixels(byte[] data) {
        elements.put(0x7FE00010, data);
        vrs.put(0x7FE00010, "OW");
        return this;
    }

    /** A 16-bit grayscale image with patient attributes, {@code frames} frames of {@code rows x cols}. */
    static DicomWriter image16(String sopUid, String patientName, int rows, int cols, int frames, boolean signed, short[] values) {
        ByteBuffer px = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            px.putShort(v);
        }
        return new DicomWriter()
                .str(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7")
                .str(0x00080018, "UI", sopUid)
                .str(0x00080050, "SH", "ACC-LEAK-9931")
                .str(0x00080060, "CS", "OT")
                .str(0x00080080, "LO", "Leakwood General Hospital")
                .str(0x00100010, "PN", patientName)
                .str(0x00100020, "LO", "PID-LEAK-7734")
                .str(0x00100030, "DA", "19230417")
                .str(0x0020000D, "UI", sopUid + ".1")
                .str(0x0020000E, "UI", sopUid + ".2")
                .us(0x00280002, 1)
                .str(0x00280004, "CS", "MONOCHROME2")
                .str(0x00280008, "IS", Integer.toString(frames))
                .us(0x00280010, rows)
                .us(0x00280011, cols)
                .us(0x00280100, 16)
                .us(0x00280101, 16)
                .us(0x00280102, 15)
                .us(0x00280103, signed ? 1 : 0)
                .str(0x00281050, "DS", "40\\400")
                .str(0x00281051, "DS", "400\\1500")
                .str(0x00281052, "DS", "-1024")
                .str(0x00281053, "DS", "1")
                .pixels(px.array());
    }

    byte[] bytes() {
        return bytes("1.2.840.10008.1.2.1");
    }

    byte[] bytes(String transferSyntax) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        String ts = transferSyntax.length() % 2 == 1 ? transferSyntax + "\0" : transferSyntax;
        String sopClass = new String(elements.getOrDefault(0x00080016, "1.2.840.10008.5.1.4.1.1.7\0".getBytes()), StandardCharsets.US_ASCII);
        String sop = new String(elements.getOrDefault(0x00080018, "1.2.3\0".getBytes()), StandardCharsets.US_ASCII);
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        write(meta, 0x00020001, "OB", new byte[] {0, 1});
        write(meta, 0x00020002, "UI", sopClass.getBytes(StandardCharsets.US_ASCII));
        write(meta, 0x00020003, "UI", sop.getBytes(StandardCharsets.US_ASCII));
        write(meta, 0x00020010, "UI", ts.getBytes(StandardCharsets.US_ASCII));
        write(meta, 0x00020012, "UI", "1.2.3.4\0".getBytes(StandardCharsets.US_ASCII));
        write(out, 0x00020000, "UL", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(meta.size()).array());
        out.writeBytes(meta.toByteArray());
        for (Map.Entry<Integer, byte[]> e : elements.entrySet()) {
            write(out, e.getKey(), vrs.get(e.getKey()), e.getValue());
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, int tag, String vr, byte[] value) {
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) (tag >>> 16)).putShort((short) tag);
        h.put(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("OW") || vr.equals("SQ") || vr.equals("UN") || vr.equals("UT")) {
            h.putShort((short) 0).putInt(value.length);
            out.write(h.array(), 0, 12);
        } else {
            h.putShort((short) value.length);
            out.write(h.array(), 0, 8);
        }
        out.writeBytes(value);
    }
}
