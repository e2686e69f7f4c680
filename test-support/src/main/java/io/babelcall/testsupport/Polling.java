package io.babelcall.testsupport;

/** The pause between two looks at a process the fixtures wait for (listening, in sync, cluster ok). */
final class Polling {

    private Polling() {
    }

    /** Sleeps 50 ms; an interrupt fails the wait (the thread's flag is kept). */
    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
