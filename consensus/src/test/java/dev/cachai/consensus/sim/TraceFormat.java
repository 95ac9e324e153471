package dev.cachai.consensus.sim;

import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.Membership;
import dev.cachai.consensus.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Short, stable text for messages and entries in golden scenario traces. */
final class TraceFormat {

    private TraceFormat() {
    }

    static String message(Message m) {
        String route = m.from() + "->" + m.to() + " ";
        if (m instanceof Message.PreVoteRequest r) {
            return route + "PreVote round=" + r.round() + " commit=" + r.commitIndex();
        }
        if (m instanceof Message.PreVoteResponse r) {
            return route + "PreVoteResp round=" + r.round() + (r.granted() ? " granted" : " refused");
        }
        if (m instanceof Message.Prepare r) {
            return route + "Prepare b=" + r.ballot() + " from=" + r.fromIndex() + " commit=" + r.commitIndex()
                    + (r.transfer() ? " transfer" : "");
        }
        if (m instanceof Message.Promise r) {
            return route + "Promise b=" + r.ballot() + " commit=" + r.commitIndex() + " accepted="
                    + entries(r.accepted())
                    + (r.complete() ? "" : " more");
        }
        if (m instanceof Message.Reject r) {
            return route + "Reject b=" + r.rejected() + " promised=" + r.promised() + " commit=" + r.commitIndex();
        }
        if (m instanceof Message.Accept r) {
            return route + "Accept b=" + r.ballot() + " commit=" + r.commitIndex() + " " + entries(r.entries());
        }
        if (m instanceof Message.Accepted r) {
            return route + "Accepted b=" + r.ballot() + " match=" + r.matchIndex() + " last=" + r.lastIndex();
        }
        if (m instanceof Message.Heartbeat r) {
            return route + "Heartbeat b=" + r.ballot() + " commit=" + r.commitIndex() + " readSeq=" + r.readSeq();
        }
        if (m instanceof Message.HeartbeatAck r) {
            return route + "HeartbeatAck b=" + r.ballot() + " match=" + r.matchIndex() + " readSeq=" + r.readSeq();
        }
        if (m instanceof Message.ReadIndexRequest r) {
            return route + "ReadIndex ctx=" + text(r.context());
        }
        if (m instanceof Message.ReadIndexResponse r) {
            return route + "ReadIndexResp ctx=" + text(r.context()) + " index=" + r.index()
                    + (r.granted() ? "" : " refused");
        }
        if (m instanceof Message.TimeoutNow r) {
            return route + "TimeoutNow b=" + r.ballot() + " commit=" + r.commitIndex();
        }
        if (m instanceof Message.InstallSnapshot r) {
            return route + "InstallSnapshot b=" + r.ballot() + " index=" + r.snapshotIndex() + " offset=" + r.offset()
                    + " bytes=" + r.chunk().length + (r.last() ? " last" : "");
        }
        Message.InstallSnapshotAck r = (Message.InstallSnapshotAck) m;
        return route + "InstallSnapshotAck index=" + r.snapshotIndex() + " next=" + r.nextOffset()
                + (r.installed() ? " installed" : "");
    }

    static String entries(List<Entry> entries) {
        return entries.stream().map(TraceFormat::entry).collect(Collectors.joining(" ", "[", "]"));
    }

    static String entry(Entry e) {
        String value = switch (e.kind()) {
            case NOOP -> "noop";
            case COMMAND -> text(e.data());
            case MEMBERSHIP -> membership(Membership.decode(e.data()));
        };
        return e.index() + "@" + e.ballot() + ":" + value;
    }

    static String membership(Membership m) {
        return "voters=" + m.voters() + " learners=" + m.learners();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean isCommand(Entry e) {
        return e.kind() == EntryKind.COMMAND;
    }
}
