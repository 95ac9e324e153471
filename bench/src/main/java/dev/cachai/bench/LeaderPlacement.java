package dev.cachai.bench;

import dev.cachai.bench.server.ClusterLauncher;
import dev.cachai.bench.server.ServerLauncher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Puts every cluster target's leader on the same member before each row. A client connects to
 * the first member, so with leaders placed by their elections one target's single client could
 * write through its leader while another's went through a follower and forwarded: two more hops
 * per write (the three-member puts at one client moved between 1.13x and 2.16x across runs with
 * the placement alone). ZooKeeper cannot hand leadership over, so with an ensemble up its
 * leader's member is the one every other target's leader is moved to.
 */
final class LeaderPlacement {
    private final int member;
    private final Map<String, Integer> rowsMoved = new LinkedHashMap<>();
    private final Map<String, Integer> rowsElsewhere = new LinkedHashMap<>();
    private int rows;

    private LeaderPlacement(int member) {
        this.member = member;
    }

    /**
     * {@code requested} (--leader-at) when given; otherwise the member an immovable target leads
     * from, else the last member (where a fresh ZooKeeper ensemble elects its leader: the highest id).
     */
    static LeaderPlacement choose(List<ServerLauncher> up, OptionalInt requested, int clusterSize) throws Exception {
        if (requested.isPresent()) {
            return new LeaderPlacement(requested.getAsInt());
        }
        for (ServerLauncher launcher : up) {
            if (launcher instanceof ClusterLauncher c && !c.canMoveLeader()) {
                int leader = c.leaderIndex();
                if (leader >= 0) {
                    return new LeaderPlacement(leader);
                }
            }
        }
        return new LeaderPlacement(clusterSize - 1);
    }

    int member() {
        return member;
    }

    /** Before a row: moves every movable leader that is elsewhere, and counts the immovable ones elsewhere. */
    void apply(List<ServerLauncher> up) {
        rows++;
        for (ServerLauncher launcher : up) {
            if (launcher instanceof ClusterLauncher c) {
                place(c);
            }
        }
    }

    private void place(ClusterLauncher c) {
        try {
            if (c.leaderIndex() == member) {
                return;
            }
            if (c.canMoveLeader()) {
                c.moveLeader(member);
                rowsMoved.merge(c.name(), 1, Integer::sum);
            } else {
                rowsElsewhere.merge(c.name(), 1, Integer::sum);
            }
        } catch (Exception e) {
            System.err.println("[bench] placing " + c.name() + "'s leader failed: " + e);
            rowsElsewhere.merge(c.name(), 1, Integer::sum);
        }
    }

    /** For the result's environment: where leaders were put, and how often a target's was not there. */
    String describe(List<ServerLauncher> up) {
        StringBuilder out = new StringBuilder("member " + member + " (0-based; one client connects to member 0)");
        for (ServerLauncher launcher : up) {
            if (launcher instanceof ClusterLauncher c) {
                out.append("; ").append(c.name()).append(": moved there before ")
                        .append(rowsMoved.getOrDefault(c.name(), 0)).append(" of ").append(rows)
                        .append(" rows, elsewhere at ").append(rowsElsewhere.getOrDefault(c.name(), 0));
            }
        }
        return out.toString();
    }
}
