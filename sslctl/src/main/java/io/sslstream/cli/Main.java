package io.sslstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code sslctl}: the platform's command line. */
@Command(name = "sslctl", mixinStandardHelpOptions = true, version = "sslctl 0.1.0",
        description = "Streaming self-supervised pretraining: run the local stack, load data, show evaluations.",
        subcommands = {StackCommand.class, LoadIdxCommand.class, LoadImagesCommand.class, LoadDicomCommand.class,
                FollowOrthancCommand.class, DicomIdCommand.class, TableCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).registerConverter(Duration.class, Main::duration);
    }

    private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    /** {@code 90s}, {@code 5m}, {@code 1h30m}, or an ISO-8601 duration. */
    static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(v);
        if (!v.isEmpty() && m.matches()) {
            long h = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
            long min = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
            long sec = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
            return Duration.ofHours(h).plusMinutes(min).plusSeconds(sec);
        }
        try {
            return Duration.parse(s);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a duration (examples: 90s, 5m, 1h30m)");
        }
    }

    /** The repository root: this code runs from {@code <root>/sslctl/target/(sslctl.jar|classes)}. */
    static Path repositoryHome() {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = self.getParent().getParent().getParent();
            if (Files.isRegularFile(candidate.resolve("pom.xml")) && Files.isDirectory(candidate.resolve("sslctl"))) {
                return candidate;
            }
        } catch (Exception ignored) {
            // fall back to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
