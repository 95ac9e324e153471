package dev.cachai.server.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the cluster records about a member besides its vote, kept in the consensus membership's
 * opaque metadata so it is chosen, persisted and sent with snapshots like the membership itself.
 *
 * @param name          etcd's member name; empty until the member has started and published it
 * @param peerUrls      where members dial it ({@code http://host:port})
 * @param clientUrls    its etcd client URLs; empty until published
 * @param zkServerId    the N of ZooKeeper's {@code server.N} line (1..255), 0 until assigned
 * @param zkClient      its ZooKeeper client address ({@code host:port}), empty until published
 * @param promoteWhenCaughtUp a voter added as etcd adds voters: it joins as a learner and the
 *                      leader promotes it once it holds the log, so it never counts toward a
 *                      quorum it cannot yet help form; clients see it as a voter meanwhile
 */
public record MemberRecord(String name, List<String> peerUrls, List<String> clientUrls, int zkServerId,
                           String zkClient, boolean promoteWhenCaughtUp) {
    public static final int ZK_SERVER_ID_MAX = 255;
    private static final String LINE = "\n";

    public MemberRecord {
        name = name == null ? "" : name;
        zkClient = zkClient == null ? "" : zkClient;
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
        requireText(name, "member name");
        requireText(zkClient, "ZooKeeper client address");
        peerUrls.forEach(u -> requireUrl(u));
        clientUrls.forEach(u -> requireUrl(u));
        if (zkServerId < 0 || zkServerId > ZK_SERVER_ID_MAX) {
            throw new IllegalArgumentException("ZooKeeper server id out of 0.." + ZK_SERVER_ID_MAX + ": " + zkServerId);
        }
    }

    public static final MemberRecord UNKNOWN = new MemberRecord("", List.of(), List.of(), 0, "", false);

    private static void requireText(String s, String what) {
        if (s.contains(LINE)) {
            throw new IllegalArgumentException(what + " must be one line");
        }
    }

    private static void requireUrl(String url) {
        if (url.isEmpty() || url.contains(" ") || url.contains(LINE)) {
            throw new IllegalArgumentException("bad URL '" + url + "'");
        }
    }

    /** Six lines: name, peer URLs, client URLs (space-separated), zk id, zk client, promote flag. */
    public String encode() {
        return String.join(LINE, name, String.join(" ", peerUrls), String.join(" ", clientUrls),
                Integer.toString(zkServerId), zkClient, promoteWhenCaughtUp ? "promote" : "");
    }

    /** The record kept in the metadata; an empty text (a member added before records existed) is unknown. */
    public static MemberRecord decode(String text) {
        if (text.isEmpty()) {
            return UNKNOWN;
        }
        String[] lines = text.split(LINE, -1);
        if (lines.length != 6) {
            throw new IllegalArgumentException("member record with " + lines.length + " lines");
        }
        return new MemberRecord(lines[0], words(lines[1]), words(lines[2]), Integer.parseInt(lines[3]), lines[4],
                lines[5].equals("promote"));
    }

    private static List<String> words(String line) {
        return line.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(line.split(" ")));
    }

    /** etcd counts a member as started once it has published its name. */
    public boolean started() {
        return !name.isEmpty();
    }

    public MemberRecord withPeerUrls(List<String> urls) {
        return new MemberRecord(name, urls, clientUrls, zkServerId, zkClient, promoteWhenCaughtUp);
    }

    public MemberRecord withZkServerId(int id) {
        return new MemberRecord(name, peerUrls, clientUrls, id, zkClient, promoteWhenCaughtUp);
    }

    public MemberRecord promoted() {
        return new MemberRecord(name, peerUrls, clientUrls, zkServerId, zkClient, false);
    }

    /** What a started member says about itself, merged into what the cluster recorded. */
    public MemberRecord publishedBy(MemberRecord self) {
        List<String> peers = peerUrls.isEmpty() ? self.peerUrls : peerUrls;
        int zkId = zkServerId == 0 ? self.zkServerId : zkServerId;
        return new MemberRecord(self.name, peers, self.clientUrls, zkId, self.zkClient, promoteWhenCaughtUp);
    }
}
