package dev.cachai.bench.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.bench.load.Endpoints;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The watch workload's watchers on grpc-java's Watch stream, one stream per connection carrying
 * that connection's watchers, as etcd clients multiplex them.
 */
final class GrpcWatchers implements EtcdWatchers {
    private final GrpcChannels channels;
    private final List<StreamObserver<WatchRequest>> streams = new ArrayList<>();

    GrpcWatchers(Endpoints target, int connections, Runnable created, IntConsumer events) {
        channels = new GrpcChannels(target, connections);
        try {
            for (int i = 0; i < connections; i++) {
                streams.add(WatchGrpc.newStub(channels.of(i)).watch(new Responses(created, events)));
            }
        } catch (RuntimeException | Error e) {
            channels.close();
            throw e;
        }
    }

    @Override
    public synchronized void watch(int watcher, byte[] key) {
        int connection = watcher % channels.size();
        streams.get(connection).onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(ByteString.copyFrom(key))).build());
    }

    @Override
    public synchronized void close() {
        for (StreamObserver<WatchRequest> s : streams) {
            s.onCompleted();
        }
        streams.clear();
        channels.close();
    }

    private static final class Responses implements StreamObserver<WatchResponse> {
        private final Runnable created;
        private final IntConsumer events;

        Responses(Runnable created, IntConsumer events) {
            this.created = created;
            this.events = events;
        }

        @Override
        public void onNext(WatchResponse response) {
            if (response.getCreated()) {
                created.run();
            }
            if (response.getEventsCount() > 0) {
                events.accept(response.getEventsCount());
            }
        }

        @Override
        public void onError(Throwable t) {
            // The run sees missing events as a stalled round; closing ends the stream this way too.
        }

        @Override
        public void onCompleted() {
            // The server ended the stream: nothing more will arrive.
        }
    }
}
