package io.sslstream.eval;

/**
 * A call failed because a dependency is unavailable for now, not because of the checkpoint or of this process's
 * code: thrown inside a call made through {@link DependencyRetry}, which waits and calls again. It never leaves
 * {@link DependencyRetry#call}.
 */
public final class DependencyUnavailableException extends RuntimeException {

    private final Dependency dependency;

    public DependencyUnavailableException(Dependency dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = dependency;
    }

    public Dependency dependency() {
        return dependency;
    }
}
