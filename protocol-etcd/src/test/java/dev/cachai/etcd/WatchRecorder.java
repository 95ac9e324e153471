package dev.cachai.etcd;

import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import dev.cachai.etcd.proto.mvccpb.Event;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a Watch stream sent a test client, and whether the server ended it. */
public final class WatchRecorder implements StreamObserver<WatchResponse> {
    public final List<WatchResponse> received = new CopyOnWriteArrayList<>();
    public volatile boolean completed;

    @Override public void onNext(WatchResponse r) { received.add(r); }
    @Override public void onError(Throwable t) { }
    @Override public void onCompleted() { completed = true; }

    public List<Event> events() {
        return received.stream().flatMap(r -> r.getEventsList().stream()).toList();
    }
}
