package io.sslstream.cli.dicom;

import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.RawSample;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The reader on real files (Debian's python3-pydicom test files) and on files made to break it. */
class DicomFileTest {

    /** Debian's python3-pydicom ships these (CI installs it). */
    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    static final int MAX = 1_000_000;

    static byte[] file(String name) throws Exception {
        Path p = PYDICOM.resolve(name);
        assertThat(p).as("python3-pydicom's test files (apt-get install -y python3-pydicom)").exists();
        return Files.readAllBytes(p);
    }

    @Test
    void readsARealCtSliceAsPydicomDoes() throws Exception {
        DicomFile.Read r = DicomFile.read(file("CT_small.dcm"), MAX);
        DicomImage img = r.image();
        assertThat(img.sopInstanceUid()).isEqualTo("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
        assertThat(img.describe()).isEqualTo("128x128 x1 frame(s), 16 bits (16 stored) signed MONOCHROME2");
        assertThat(img.intercept()).isEqualTo(-1024);
        assertThat(img.slope()).isEqualTo(1);
        short[] v = r.frame16(0);
        // pydicom 2.3: pixel_array.sum() == 14826310, first values 175 180 166 143
        assertThat(Arrays.stream(toInts(v)).asLongStream().sum()).isEqualTo(14_826_310L);
        assertThat(Arrays.copyOf(toInts(v), 4)).containsExactly(175, 180, 166, 143);
    }

    @Test
    void implicitAndExplicitVrGiveTheSameMrSliceAndItsWindow() throws Exception {
        DicomFile.Read explicit = DicomFile.read(file("MR_small.dcm"), MAX);
        DicomFile.Read implicit = DicomFile.read(file("MR_small_implicit.dcm"), MAX);
        assertThat(implicit.image()).isEqualTo(explicit.image());
        assertThat(implicit.frame16(0)).isEqualTo(explicit.frame16(0));
        assertThat(Arrays.stream(toInts(explicit.frame16(0))).asLongStream().sum()).isEqualTo(2_125_338L);
        assertThat(explicit.image().windowCenter()).isEqualTo(600);
        assertThat(explicit.image().windowWidth()).isEqualTo(1600);
        RawSample s = explicit.image().sample("mr/x/0", "mr", null, explicit.frame16(0));
        Pixels16 p = Pixels16.decode(s.payload(), 64, 64);
        assertThat(p.signed()).isTrue();
        assertThat(p.stored(0)).isEqualTo(905);
    }

    @Test
    void multiFrameFilesGiveEveryFrame() throws Exception {
        short[] values = new short[3 * 4 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (i * 100 - 2000);
        }
        DicomFile.Read r = DicomFile.read(DicomWriter.image16("1.2.3.4.5", "Doe^Jane", 4, 5, 3, true, values).bytes(), MAX);
        assertThat(r.image().frames()).isEqualTo(3);
        assertThat(r.frame16(2)[0]).isEqualTo(values[40]);
        assertThat(r.image().windowCenter()).isEqualTo(40);
        assertThat(r.image().windowWidth()).isEqualTo(400);
    }

    @Test
    void everyBadFileHasItsReason() throws Exception {
        assertThat(reason("this is not DICOM at all".getBytes(StandardCharsets.US_ASCII))).isEqualTo(DicomException.NOT_DICOM);
        assertThat(reason(new byte[0])).isEqualTo(DicomException.NOT_DICOM);
        assertThat(reason(file("MR_truncated.dcm"))).isEqualTo(DicomException.TRUNCATED);
        byte[] ct = file("CT_small.dcm");
        assertThat(reason(Arrays.copyOf(ct, ct.length - 1000))).isEqualTo(DicomException.TRUNCATED); // inside the pixel data (126 bytes of padding follow it)
        assertThat(reason(Arrays.copyOf(ct, 401))).isEqualTo(DicomException.TRUNCATED); // inside an element header or value
        assertThat(reason(file("MR_small_bigendian.dcm"))).isEqualTo(DicomException.UNSUPPORTED_TRANSFER_SYNTAX);
        assertThat(message(file("JPEG2000.dcm"))).contains("1.2.840.10008.1.2.4.91 (JPEG 2000)").contains("Orthanc");
        assertThat(reason(file("MR_small_RLE.dcm"))).isEqualTo(DicomException.UNSUPPORTED_TRANSFER_SYNTAX);
        assertThat(reason(file("rtdose.dcm"))).isEqualTo(DicomException.UNSUPPORTED_PIXELS);
        assertThat(reason(file("test-SR.dcm"))).isEqualTo(DicomException.NO_PIXEL_DATA);
        // absurd dimensions: 65535 x 65535 declared over 8 bytes of pixels
        byte[] absurd = DicomWriter.image16("1.2.9", "A^B", 2, 2, 1, false, new short[4]).us(0x00280010, 65535).us(0x00280011, 65535).bytes();
        assertThat(message(absurd)).startsWith("a 65535x65535 frame");
        byte[] manyFrames = DicomWriter.image16("1.2.9", "A^B", 2, 2, 1, false, new short[4]).str(0x00280008, "IS", "99999999").bytes();
        assertThat(reason(manyFrames)).isEqualTo(DicomException.TOO_LARGE);
        byte[] bigFrame = DicomWriter.image16("1.2.9", "A^B", 2, 2, 1, false, new short[4]).us(0x00280010, 1024).us(0x00280011, 1024).bytes();
        assertThat(message(bigFrame)).contains("more than the 1000000 a record may hold");
        byte[] shortPixels = DicomWriter.image16("1.2.9", "A^B", 2, 2, 2, false, new short[4]).bytes();
        assertThat(message(shortPixels)).contains("the pixel data has 8 bytes").contains("need 16");
    }

    @Test
    void patientAttributesAreNeverReadIntoTheImage() throws Exception {
        byte[] f = DicomWriter.image16("1.2.3.4.6", "Quixotefrost^Zebulon", 2, 2, 1, false, new short[4]).bytes();
        DicomFile.Read r = DicomFile.read(f, MAX);
        assertThat(r.image().toString()).doesNotContain("Quixotefrost").doesNotContain("PID-LEAK").doesNotContain("Leakwood");
        RawSample s = r.image().sample("d/x/0", "d", null, r.frame16(0));
        assertThat(new String(s.encode(), StandardCharsets.ISO_8859_1)).doesNotContain("Quixotefrost").doesNotContain("1.2.3.4.6");
    }

    static String reason(byte[] bytes) {
        try {
            DicomFile.read(bytes, MAX);
            return "none";
        } catch (DicomException e) {
            return e.reason();
        }
    }

    static String message(byte[] bytes) {
        try {
            DicomFile.read(bytes, MAX);
            return "none";
        } catch (DicomException e) {
            return e.getMessage();
        }
    }

    static int[] toInts(short[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
