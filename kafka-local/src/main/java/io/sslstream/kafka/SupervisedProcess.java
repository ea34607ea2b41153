package io.sslstream.kafka;

/**
 * What a supervisor needs of a process of the local stack to restart it the way Kubernetes restarts a pod's
 * container (sslctl's {@code Supervisor}): {@link ServiceProcess} and {@link KafkaProcess} are such processes.
 */
public interface SupervisedProcess {

    String name();

    boolean isAlive();

    /** Exit code of a process that has exited, else null. */
    Integer exitCode();

    /** Stopped on purpose: not to be restarted. */
    boolean isStopped();

    /** Starts the process again with the same command; may block until it listens. */
    void relaunch();

    /** SIGKILL. */
    void kill();

    /** True if its liveness check passes, false if it fails, null if it has none or cannot tell yet. */
    default Boolean live() {
        return null;
    }
}
