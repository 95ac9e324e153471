package dev.cachai.zk;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.zk.ZkNode;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReconfigRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * ZooKeeper's dynamic reconfiguration (opcode 16) over the cluster's membership: each joining
 * server ({@code server.N=host:port:port[:participant|observer];[clientHost:]clientPort}) is
 * added (a participant as a voter, an observer as a learner) or, when N is a member, moved to
 * the new peer address; each leaving N is removed. The changes are made one server at a time,
 * in the order given (ZooKeeper makes them at once). Answers the new /zookeeper/config and its
 * Stat, as ZooKeeper does.
 */
final class ReconfigOps {
    private final ZkServerConfig config;
    private final TreeView tree;
    private final java.util.function.Supplier<Optional<ClusterInfo>> cluster;

    ReconfigOps(ZkServerConfig config, TreeView tree, java.util.function.Supplier<Optional<ClusterInfo>> cluster) {
        this.config = config;
        this.tree = tree;
        this.cluster = cluster;
    }

    /** One server of a joining list. */
    record Joiner(int serverId, String peerHost, int peerPort, boolean observer, String zkClient) {
        /** Its peer URL in the cluster's scheme (ZooKeeper's server lines carry none). */
        String peerUrl(String scheme) {
            return scheme + "://" + (peerHost.contains(":") ? "[" + peerHost + "]" : peerHost) + ":" + peerPort;
        }
    }

    CompletableFuture<Reply> reconfig(ZkConnection c, ReconfigRequest r, long zxid) {
        if (!config.reconfigEnabled()) {
            return done(Reply.error(zxid, ZkCode.RECONFIGDISABLED));
        }
        if (!c.identity().superUser()) {
            // /zookeeper/config is read-only to everyone but the super user.
            return done(Reply.error(zxid, ZkCode.NOAUTH));
        }
        Optional<ClusterInfo> info = cluster.get();
        if (info.isEmpty()) {
            return done(Reply.error(zxid, ZkCode.UNIMPLEMENTED));
        }
        if (r.getCurConfigId() != -1 && r.getCurConfigId() != info.get().configVersion()) {
            return done(Reply.error(zxid, ZkCode.BADVERSION));
        }
        List<Joiner> joining;
        List<Integer> leaving;
        try {
            if (r.getNewMembers() != null && !r.getNewMembers().isBlank()) {
                joining = parseJoining(r.getNewMembers());
                leaving = notListed(info.get().members(), joining);
            } else {
                joining = parseJoining(r.getJoiningServers());
                leaving = parseLeaving(r.getLeavingServers());
            }
        } catch (IllegalArgumentException e) {
            return done(Reply.error(zxid, ZkCode.BADARGUMENTS));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int serverId : leaving) {
            chain = chain.thenCompose(v -> leave(info.get(), serverId));
        }
        for (Joiner joiner : joining) {
            chain = chain.thenCompose(v -> join(info.get(), joiner));
        }
        return chain.handle((v, error) -> {
            if (error != null) {
                return Reply.error(zxid, codeFor(error));
            }
            ZkNode node = tree.node(TreeView.CONFIG);
            return Reply.ok(zxid, new GetDataResponse(node.data(), Convert.stat(node.stat())));
        });
    }

    private static CompletableFuture<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static CompletableFuture<Void> leave(ClusterInfo info, int serverId) {
        Optional<ClusterInfo.Member> member = byServerId(info, serverId);
        // ZooKeeper drops a leaving id that is not in the configuration without complaint.
        return member.isEmpty() ? CompletableFuture.completedFuture(null)
                : info.removeMember(member.get().id()).thenApply(m -> null);
    }

    private static CompletableFuture<Void> join(ClusterInfo info, Joiner joiner) {
        Optional<ClusterInfo.Member> member = byServerId(info, joiner.serverId());
        String peerUrl = joiner.peerUrl(info.peerUrlScheme());
        if (member.isEmpty()) {
            return info.addMember(List.of(peerUrl), joiner.observer(), joiner.serverId(), joiner.zkClient())
                    .thenApply(m -> null);
        }
        if (member.get().learner() != joiner.observer()) {
            // Turning an observer into a participant is a promotion; the other way is not supported.
            return joiner.observer() ? CompletableFuture.failedFuture(new IllegalArgumentException("demotion"))
                    : info.promoteMember(member.get().id()).thenApply(m -> null);
        }
        if (member.get().peerUrls().contains(peerUrl)) {
            return CompletableFuture.completedFuture(null);
        }
        return info.updateMember(member.get().id(), List.of(peerUrl)).thenApply(m -> null);
    }

    private static Optional<ClusterInfo.Member> byServerId(ClusterInfo info, int serverId) {
        return info.members().stream().filter(m -> m.zkServerId() == serverId).findFirst();
    }

    private static int codeFor(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof IllegalArgumentException) {
            return ZkCode.BADARGUMENTS;
        }
        if (!(cause instanceof GatewayException g)) {
            return ZkCode.SYSTEMERROR;
        }
        EtcdError e = g.error();
        if (e == EtcdError.MEMBER_NOT_ENOUGH_STARTED || e == EtcdError.UNHEALTHY || e == EtcdError.LEARNER_NOT_READY) {
            return ZkCode.NEWCONFIGNOQUORUM;
        }
        if (e == EtcdError.MEMBER_EXIST || e == EtcdError.PEER_URL_EXIST || e == EtcdError.TOO_MANY_LEARNERS
                || e == EtcdError.MEMBER_BAD_URLS) {
            return ZkCode.BADARGUMENTS;
        }
        if (e == EtcdError.TOO_MANY_REQUESTS) {
            return ZkCode.RECONFIGINPROGRESS;
        }
        return ZkCode.CONNECTIONLOSS;
    }

    /** Members whose server id a non-incremental member list does not name. */
    private static List<Integer> notListed(List<ClusterInfo.Member> members, List<Joiner> listed) {
        List<Integer> out = new ArrayList<>();
        for (ClusterInfo.Member m : members) {
            if (m.zkServerId() > 0 && listed.stream().noneMatch(j -> j.serverId() == m.zkServerId())) {
                out.add(m.zkServerId());
            }
        }
        return out;
    }

    static List<Integer> parseLeaving(String list) {
        List<Integer> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String item : list.split(",")) {
            out.add(serverId(item.trim()));
        }
        return out;
    }

    static List<Joiner> parseJoining(String list) {
        List<Joiner> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String item : list.split(",")) {
            out.add(parseServer(item.trim()));
        }
        return out;
    }

    /** {@code server.N=host:port:port[:role];[clientHost:]clientPort}; each server needs its three ports. */
    static Joiner parseServer(String text) {
        String[] keyValue = text.split("=", 2);
        if (keyValue.length != 2 || !keyValue[0].startsWith("server.")) {
            throw new IllegalArgumentException("wrong format of server string");
        }
        int serverId = serverId(keyValue[0].substring("server.".length()));
        String[] halves = keyValue[1].split(";", 2);
        if (halves.length != 2) {
            throw new IllegalArgumentException("each server needs its client port");
        }
        String[] quorum = halves[0].split(":");
        if (quorum.length != 3 && quorum.length != 4) {
            throw new IllegalArgumentException("expected host:port:port[:role]");
        }
        boolean observer = false;
        if (quorum.length == 4) {
            if (!quorum[3].equals("participant") && !quorum[3].equals("observer")) {
                throw new IllegalArgumentException("unknown role " + quorum[3]);
            }
            observer = quorum[3].equals("observer");
        }
        int peerPort = port(quorum[1]);
        port(quorum[2]);
        String client = halves[1].trim();
        int colon = client.lastIndexOf(':');
        String clientHost = colon < 0 ? "0.0.0.0" : client.substring(0, colon);
        int clientPort = port(colon < 0 ? client : client.substring(colon + 1));
        return new Joiner(serverId, quorum[0], peerPort, observer, clientHost + ":" + clientPort);
    }

    private static int serverId(String text) {
        try {
            int id = Integer.parseInt(text.trim());
            if (id < 1 || id > 255) {
                throw new IllegalArgumentException("server id out of 1..255: " + id);
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad server id '" + text + "'", e);
        }
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + text + "'", e);
        }
    }
}
