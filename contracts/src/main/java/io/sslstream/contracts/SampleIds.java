package io.sslstream.contracts;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for sample ids and dataset names, wherever a sample enters the platform: the {@code RawSample} codec
 * (so every Kafka producer and consumer), the augmenter's REST ingestion and {@code sslctl}'s loaders.
 *
 * <p><b>Sample id</b> (also the record key on {@code ssl.samples.raw} and {@code ssl.views.<recipe>}):
 * <ul>
 *   <li>1 to {@value #MAX_SAMPLE_ID_BYTES} bytes in UTF-8 (and well-formed: no unpaired surrogate; on the wire,
 *       valid UTF-8);</li>
 *   <li>segments separated by {@code /}, none of them empty (no leading or trailing {@code /}, no {@code //}) and
 *       none {@code .} or {@code ..}: a relative path that stays where it is put;</li>
 *   <li>each character a letter or a decimal digit of any script, a combining mark (names written in decomposed
 *       form), or one of {@value #ID_PUNCTUATION} and the space (U+0020). Nothing else: no control or format
 *       characters (bidi overrides, zero-width), no other whitespace, no {@code \ : * ? " < > | # % & ; $ ! ' ^ `}
 *       or braces.</li>
 * </ul>
 * What the platform makes fits: {@code fashion-mnist/train/123}, {@code fashion-mnist/train-epoch2/5},
 * {@code <dataset>/<relative path>} of {@code sslctl load-images} (sub-folders included), the REST ingestion's
 * {@code <dataset>/<SHA-256 hex>} and {@code <dataset>/<file name>}. An id need not start with its dataset.
 *
 * <p><b>Dataset name</b>: {@value #DATASET_PATTERN}, an ASCII letter or digit, then up to 63 letters, digits,
 * {@code .}, {@code _} or {@code -} (it starts generated ids and names a provenance header).
 *
 * <p>Framework-free and allocation-light: the checks run on every record the augmenter reads.
 */
public final class SampleIds {

    /** Longest sample id, in UTF-8 bytes. */
    public static final int MAX_SAMPLE_ID_BYTES = 512;
    /** The ASCII punctuation allowed in a sample id besides {@code /} (the separator) and the space. */
    public static final String ID_PUNCTUATION = "-_.~+=,@()[]";
    /** A dataset name. */
    public static final String DATASET_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    /** The sample id rule in one line, for error messages. */
    public static final String SAMPLE_ID_RULE = "1 to " + MAX_SAMPLE_ID_BYTES + " UTF-8 bytes; '/'-separated segments, "
            + "none empty, '.' or '..'; letters, digits, combining marks, spaces and " + ID_PUNCTUATION;
    /** The dataset rule in one line, for error messages. */
    public static final String DATASET_RULE = "must match " + DATASET_PATTERN;

    private static final Pattern DATASET = Pattern.compile(DATASET_PATTERN);
    /** How much of an offending value a message quotes. */
    private static final int QUOTE_CHARS = 80;

    private SampleIds() {
    }

    /** Why {@code id} is not a valid sample id, or empty when it is one. */
    public static Optional<String> sampleIdProblem(String id) {
        if (id == null) {
            return Optional.of("no sample id");
        }
        if (id.isEmpty()) {
            return Optional.of("the sample id is empty");
        }
        // the UTF-8 length counted, not encoded: a huge id is refused after its first 512 bytes
        int bytes = 0;
        int segmentStart = 0;
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            if (isSurrogate(cp)) {
                return Optional.of("unpaired surrogate at index " + i + " of the sample id " + quote(id));
            }
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes > MAX_SAMPLE_ID_BYTES) {
                return Optional.of("the sample id has more than " + MAX_SAMPLE_ID_BYTES + " UTF-8 bytes ("
                        + id.length() + " characters) " + quote(id));
            }
            if (cp == '/') {
                Optional<String> bad = segmentProblem(id, segmentStart, i);
                if (bad.isPresent()) {
                    return bad;
                }
                segmentStart = i + 1;
            } else if (!allowed(cp)) {
                return Optional.of("character " + describe(cp) + " at index " + i + " is not allowed in a sample id "
                        + quote(id) + " (" + SAMPLE_ID_RULE + ")");
            }
            i += Character.charCount(cp);
        }
        return segmentProblem(id, segmentStart, id.length());
    }

    /** Why {@code dataset} is not a valid dataset name, or empty when it is one. */
    public static Optional<String> datasetProblem(String dataset) {
        if (dataset == null) {
            return Optional.of("no dataset name");
        }
        if (!DATASET.matcher(dataset).matches()) {
            return Optional.of("dataset " + quote(dataset) + " " + DATASET_RULE);
        }
        return Optional.empty();
    }

    public static boolean isSampleId(String id) {
        return sampleIdProblem(id).isEmpty();
    }

    public static boolean isDataset(String dataset) {
        return datasetProblem(dataset).isEmpty();
    }

    /** {@code id}, or an {@link IllegalArgumentException} saying what is wrong with it. */
    public static String requireSampleId(String id) {
        sampleIdProblem(id).ifPresent(p -> {
            throw new IllegalArgumentException("invalid sample id: " + p);
        });
        return id;
    }

    /** {@code dataset}, or an {@link IllegalArgumentException} saying what is wrong with it. */
    public static String requireDataset(String dataset) {
        datasetProblem(dataset).ifPresent(p -> {
            throw new IllegalArgumentException("invalid dataset name: " + p);
        });
        return dataset;
    }

    private static Optional<String> segmentProblem(String id, int start, int end) {
        if (start == end) {
            return Optional.of("empty segment at index " + start + " of the sample id " + quote(id)
                    + " (a leading or trailing '/', or '//')");
        }
        int n = end - start;
        if ((n == 1 || n == 2) && id.charAt(start) == '.' && id.charAt(end - 1) == '.') {
            return Optional.of("segment '" + id.substring(start, end) + "' at index " + start + " of the sample id "
                    + quote(id) + ": ids are relative paths that stay where they are put");
        }
        return Optional.empty();
    }

    private static boolean isSurrogate(int cp) {
        return cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
    }

    private static boolean allowed(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' '
                    || ID_PUNCTUATION.indexOf(cp) >= 0;
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    private static String describe(int cp) {
        String code = String.format("U+%04X", cp);
        if (cp == 0xFFFD) {
            return code + " (the replacement character: bytes that were not valid UTF-8, replaced where they were decoded)";
        }
        if (Character.isISOControl(cp)) {
            return code + " (a control character)";
        }
        if (Character.getType(cp) == Character.FORMAT) {
            return code + " (a format character)";
        }
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
            return code + " (whitespace other than the space)";
        }
        return cp > ' ' && cp < 0x7F ? "'" + (char) cp + "' (" + code + ")" : code;
    }

    /**
     * The value in quotes for a message: at most {@value #QUOTE_CHARS} characters, anything not allowed in an id
     * escaped as {@code \\uXXXX}, so that a hostile id can neither flood nor forge a log line or a header.
     */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_CHARS) + 8).append('\'');
        int i = 0;
        while (i < s.length() && i < QUOTE_CHARS) {
            int cp = s.codePointAt(i);
            if (cp == '/' || allowed(cp)) {
                b.appendCodePoint(cp);
            } else {
                for (char c : Character.toChars(cp)) {
                    b.append(String.format("\\u%04X", (int) c));
                }
            }
            i += Character.charCount(cp);
        }
        b.append('\'');
        if (i < s.length()) {
            b.append(" (").append(s.length()).append(" characters, cut)");
        }
        return b.toString();
    }
}
