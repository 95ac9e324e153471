package dev.cachai.migration.zk;

/** Counts asynchronous operations still running so a phase can wait for all of them to finish. */
final class Inflight {
    private long running;

    synchronized void begin() {
        running++;
    }

    synchronized void end() {
        running--;
        if (running == 0) {
            notifyAll();
        }
    }

    synchronized void awaitZero() throws InterruptedException {
        while (running > 0) {
            wait();
        }
    }
}
