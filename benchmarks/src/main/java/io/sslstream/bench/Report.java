package io.sslstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes one benchmark's section of {@code docs/benchmarks.md}, between {@code <!-- bench:NAME:start -->} and
 * {@code <!-- bench:NAME:end -->}; other sections are left as they are, so benchmarks run separately and each
 * keeps its latest result.
 */
public final class Report {

    private final StringBuilder body = new StringBuilder();

    /** A section headed by its title, the command that produced it, the machine and the date. */
    public Report(String title, String command) {
        body.append("## ").append(title).append("\n\n")
                .append("Command: `").append(command).append("`  \n")
                .append("Machine: ").append(Machine.describe()).append("  \n")
                .append("Date: ").append(Machine.now()).append("\n\n");
    }

    public Report paragraph(String text) {
        body.append(text.strip()).append("\n\n");
        return this;
    }

    /** A markdown table. */
    public Report table(List<String> header, List<List<String>> rows) {
        body.append("| ").append(String.join(" | ", header)).append(" |\n|");
        body.append(" --- |".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            body.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        body.append('\n');
        return this;
    }

    public String markdown() {
        return body.toString();
    }

    /** Replaces (or appends) section {@code name} of the file. */
    public void writeTo(Path file, String name) throws IOException {
        String start = "<!-- bench:" + name + ":start -->";
        String end = "<!-- bench:" + name + ":end -->";
        String doc = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
        String section = start + "\n" + markdown().strip() + "\n" + end;
        int i = doc.indexOf(start);
        int j = doc.indexOf(end);
        if (i >= 0 && j > i) {
            doc = doc.substring(0, i) + section + doc.substring(j + end.length());
        } else {
            doc = doc.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.writeString(file, doc);
    }

    /** {@code 1234.5 -> "1,234"} */
    public static String n0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    public static String n1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    public static String n2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    public static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2fx", v);
    }
}
