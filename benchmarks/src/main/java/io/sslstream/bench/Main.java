package io.sslstream.bench;

import picocli.CommandLine;

import java.util.Arrays;
import java.util.Locale;

/**
 * {@code ./bench NAME [options]}: runs the benchmark class {@code io.sslstream.bench.<Name>Benchmark} (a picocli
 * command), e.g. {@code ./bench augment} runs {@code AugmentBenchmark}. Each benchmark runs its PyTorch peer
 * in the same run when there is one and writes its section of {@code docs/benchmarks.md}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: ./bench NAME [options]   (NAME: augment, augmenter, decode, trainer, quality, parity, replicas, registry, eval, pipeline, chaos; "
                    + "./bench NAME --help lists its options)");
            System.exit(2);
        }
        String name = args[0];
        String className = Main.class.getPackageName() + "." + camel(name) + "Benchmark";
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            System.err.println("no benchmark named '" + name + "' (no class " + className + ")");
            System.exit(2);
            return;
        }
        Object command = type.getDeclaredConstructor().newInstance();
        CommandLine cli = new CommandLine(command).registerConverter(java.time.Duration.class, Main::duration);
        cli.setCommandName("./bench " + name);
        System.exit(cli.execute(Arrays.copyOfRange(args, 1, args.length)));
    }

    static String camel(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("[-_]")) {
            if (!part.isEmpty()) {
                sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, or ISO-8601. */
    static java.time.Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.matches("\\d+[smh]")) {
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> java.time.Duration.ofSeconds(n);
                case 'm' -> java.time.Duration.ofMinutes(n);
                default -> java.time.Duration.ofHours(n);
            };
        }
        return java.time.Duration.parse(s);
    }
}
