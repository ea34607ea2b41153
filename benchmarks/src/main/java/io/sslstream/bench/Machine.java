package io.sslstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** What a benchmark ran on, for the report: CPU, cores, memory, OS, Java, load, date. */
public final class Machine {

    private Machine() {
    }

    public static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    public static double memoryGiB() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            String total = lines.get(0).replaceAll("\\D+", "");
            return Long.parseLong(total) / 1024.0 / 1024.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The 1-minute load average (other work on a shared machine shows here). */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** One line: CPU, cores, memory, OS, Java, load average now. */
    public static String describe() {
        return String.format(Locale.ROOT, "%s, %d cores, %.0f GiB, %s %s, Java %s, 1-minute load average %.2f when the report was made",
                cpuModel(), Runtime.getRuntime().availableProcessors(), memoryGiB(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), loadAverage());
    }

    public static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
    }
}
