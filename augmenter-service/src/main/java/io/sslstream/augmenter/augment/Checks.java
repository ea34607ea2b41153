package io.sslstream.augmenter.augment;

/** Argument checks of the ops and recipes; a bad setting fails the service's start-up with a message naming it. */
final class Checks {

    private Checks() {
    }

    static void require(boolean ok, String what, Object actual) {
        if (!ok) {
            throw new IllegalArgumentException(what + ", got " + actual);
        }
    }

    static void probability(String name, double p) {
        require(p >= 0 && p <= 1, name + " must be in [0, 1]", p);
    }

    static void channels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 or 3 channels, got " + channels);
        }
    }
}
