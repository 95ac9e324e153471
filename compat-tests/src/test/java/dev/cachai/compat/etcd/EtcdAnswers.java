package dev.cachai.compat.etcd;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;
import dev.cachai.etcd.proto.mvccpb.KeyValue;
import io.grpc.StatusRuntimeException;

import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How the random etcd suites write down a gRPC answer so two servers compare: every revision
 * relative to the sequence's start, and the top header without the cluster and member ids and
 * term, which differ between any two servers (headers nested in a txn's answer are compared
 * whole: etcd fills only the top one); an error as its code and text.
 */
final class EtcdAnswers {
    private EtcdAnswers() {}

    /** The call's answer or error as text; {@code topRevision} hears the top header's revision. */
    static String text(Supplier<Message> call, long baseline, LongConsumer topRevision) {
        try {
            return TextFormat.shortDebugString(relative(call.get(), baseline, topRevision));
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    private static Message relative(Message m, long baseline, LongConsumer topRevision) {
        Message.Builder b = m.toBuilder();
        FieldDescriptor header = b.getDescriptorForType().findFieldByName("header");
        if (header != null && b.hasField(header)) {
            ResponseHeader h = (ResponseHeader) b.getField(header);
            topRevision.accept(h.getRevision());
            b.setField(header, ResponseHeader.newBuilder().setRevision(h.getRevision()).build());
        }
        rewrite(b, baseline);
        return b.build();
    }

    private static void rewrite(Message.Builder b, long baseline) {
        walk(b, m -> {
            if (m instanceof ResponseHeader.Builder h) {
                h.setRevision(relative(h.getRevision(), baseline));
                return true;
            }
            if (m instanceof KeyValue.Builder kv) {
                kv.setCreateRevision(relative(kv.getCreateRevision(), baseline))
                        .setModRevision(relative(kv.getModRevision(), baseline));
                return true;
            }
            return false;
        });
    }

    /**
     * A revision relative to the sequence's start; 0 (etcd's "none", as in the empty headers of
     * a txn's inner answers) stays 0, so a transcript does not depend on where its sequence began.
     */
    static long relative(long revision, long baseline) {
        return revision == 0 ? 0 : revision - baseline;
    }

    /**
     * Visits {@code b} and, unless {@code visit} says it handled it whole, every message nested in
     * it, writing each changed one back.
     */
    static void walk(Message.Builder b, Predicate<Message.Builder> visit) {
        if (visit.test(b)) {
            return;
        }
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (f.isRepeated()) {
                for (int i = 0; i < b.getRepeatedFieldCount(f); i++) {
                    Message.Builder item = ((Message) b.getRepeatedField(f, i)).toBuilder();
                    walk(item, visit);
                    b.setRepeatedField(f, i, item.build());
                }
            } else if (b.hasField(f)) {
                Message.Builder item = ((Message) b.getField(f)).toBuilder();
                walk(item, visit);
                b.setField(f, item.build());
            }
        }
    }
}
