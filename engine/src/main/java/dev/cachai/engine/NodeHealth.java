package dev.cachai.engine;

/**
 * Whether this node can serve, as its health endpoints report it: etcd's /health, /livez, /readyz
 * and has_leader gauges, ZooKeeper's ruok, isro and server state. The server implements it from
 * its driver; safe to call from any thread.
 */
public interface NodeHealth {
    /** A node that runs alone: always its own leader while it runs. */
    NodeHealth STANDALONE = new NodeHealth() {
        @Override
        public boolean live() {
            return true;
        }

        @Override
        public boolean hasLeader() {
            return true;
        }

        @Override
        public boolean isLeader() {
            return true;
        }

        @Override
        public boolean caughtUp() {
            return true;
        }
    };

    /** The apply loop runs and the log can be written (false once it stopped or failed). */
    boolean live();

    /** A leader is known (this node, or the one it follows). */
    boolean hasLeader();

    /** This node leads. */
    boolean isLeader();

    /** This node has applied everything it knows to be committed, give or take a small lag. */
    boolean caughtUp();

    /** Can take writes and serve up-to-date reads: live, led, caught up. */
    default boolean serving() {
        return live() && hasLeader() && caughtUp();
    }
}
