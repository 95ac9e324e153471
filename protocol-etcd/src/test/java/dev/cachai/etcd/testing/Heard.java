package dev.cachai.etcd.testing;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** What a client stream heard: its responses and how it ended (null while open). */
public final class Heard<T> implements StreamObserver<T> {
    public final List<T> responses = new CopyOnWriteArrayList<>();
    public final AtomicReference<Status> ended = new AtomicReference<>();

    @Override public void onNext(T value) { responses.add(value); }
    @Override public void onError(Throwable t) { ended.set(Status.fromThrowable(t)); }
    @Override public void onCompleted() { ended.set(Status.OK); }
}
