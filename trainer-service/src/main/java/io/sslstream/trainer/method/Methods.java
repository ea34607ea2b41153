package io.sslstream.trainer.method;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The methods the trainer knows: a new method is a file of its own and its definition added here. */
public final class Methods {

    /** Every method, the default ({@code ssl.trainer.method} unset) first. */
    public static final List<MethodDefinition> ALL = List.of(
            SimClr.DEFINITION,
            MoCo.DEFINITION,
            Byol.DEFINITION,
            SimSiam.DEFINITION,
            BarlowTwins.DEFINITION,
            VicReg.DEFINITION,
            Mae.DEFINITION);

    private Methods() {
    }

    /** The method of that name, if there is one. */
    public static Optional<MethodDefinition> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The method of that name; an {@link IllegalArgumentException} listing the known ones otherwise. */
    public static MethodDefinition named(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown method '" + name + "' (known: "
                + names() + ")"));
    }

    /** The methods' names, comma-separated. */
    public static String names() {
        return ALL.stream().map(MethodDefinition::name).collect(Collectors.joining(", "));
    }
}
