package dev.cachai.server.cluster;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.server.config.ClusterMember;

import java.util.ArrayList;
import java.util.List;

/** Presents the driver's {@link ClusterView} to the protocol adapters as the engine's {@link ClusterInfo}. */
final class ClusterInfoBridge implements ClusterInfo {
    private final ClusterView view;

    ClusterInfoBridge(ClusterView view) {
        this.view = view;
    }

    @Override
    public long localId() {
        return view.localId();
    }

    @Override
    public List<Member> members() {
        List<Member> out = new ArrayList<>();
        for (ClusterMember m : view.members()) {
            // Client addresses of other members are not exchanged yet; adapters fill in their own.
            out.add(new Member(m.id(), m.name(), List.of("http://" + m.peer()), List.of()));
        }
        return out;
    }

    @Override
    public long leaderId() {
        return view.leaderId();
    }
}
