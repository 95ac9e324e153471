"""kazoo against a ZooKeeper endpoint: exits non-zero listing every mismatch."""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, NodeExistsError, NoNodeError, NotEmptyError

WAIT_S = 10
failures = []


def check(label, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (label, got, want))


def expect_error(label, error, action):
    try:
        action()
        failures.append("%s: no %s" % (label, error.__name__))
    except error:
        pass


def one_event(register):
    """Registers a one-shot watch through `register` and returns a function waiting for its event."""
    fired = threading.Event()
    seen = []

    def watch(event):
        seen.append((event.type, event.path))
        fired.set()

    register(watch)

    def wait():
        fired.wait(WAIT_S)
        return seen
    return wait


def main(hosts):
    zk = KazooClient(hosts=hosts, timeout=WAIT_S)
    other = KazooClient(hosts=hosts, timeout=WAIT_S)
    zk.start(timeout=WAIT_S)
    other.start(timeout=WAIT_S)

    zk.ensure_path("/kazoo")
    check("create", zk.create("/kazoo/a", b"one"), "/kazoo/a")
    data, stat = zk.get("/kazoo/a")
    check("get", (data, stat.version), (b"one", 0))
    expect_error("create twice", NodeExistsError, lambda: zk.create("/kazoo/a", b"x"))
    check("set", zk.set("/kazoo/a", b"two", version=0).version, 1)
    expect_error("set stale version", BadVersionError, lambda: zk.set("/kazoo/a", b"x", version=0))
    zk.create("/kazoo/b")
    check("children", sorted(zk.get_children("/kazoo")), ["a", "b"])
    seq = zk.create("/kazoo/s-", sequence=True)
    check("sequential name", (seq.startswith("/kazoo/s-"), len(seq) - len("/kazoo/s-")), (True, 10))
    expect_error("delete not empty", NotEmptyError, lambda: zk.delete("/kazoo"))
    expect_error("get missing", NoNodeError, lambda: zk.get("/kazoo/none"))

    wait = one_event(lambda w: zk.get("/kazoo/a", watch=w))
    other.set("/kazoo/a", b"three")
    check("data watch", wait(), [("CHANGED", "/kazoo/a")])
    wait = one_event(lambda w: zk.get_children("/kazoo", watch=w))
    other.create("/kazoo/c")
    check("child watch", wait(), [("CHILD", "/kazoo")])
    wait = one_event(lambda w: zk.exists("/kazoo/d", watch=w))
    other.create("/kazoo/d")
    check("exists watch", wait(), [("CREATED", "/kazoo/d")])

    other.create("/kazoo/e", b"", ephemeral=True)
    check("ephemeral owner", zk.exists("/kazoo/e").ephemeralOwner, other.client_id[0])
    wait = one_event(lambda w: zk.exists("/kazoo/e", watch=w))
    other.stop()
    other.close()
    check("ephemeral deleted with its session", wait(), [("DELETED", "/kazoo/e")])

    t = zk.transaction()
    t.create("/kazoo/t1", b"x")
    t.set_data("/kazoo/a", b"four")
    t.check("/kazoo/b", 0)
    results = t.commit()
    check("transaction", (results[0], results[1].version, results[2]), ("/kazoo/t1", 3, True))
    t = zk.transaction()
    t.create("/kazoo/t2")
    t.check("/kazoo/b", 5)
    results = t.commit()
    check("failed transaction", [type(r).__name__ for r in results], ["RolledBackError", "BadVersionError"])
    check("rolled back", zk.exists("/kazoo/t2"), None)

    zk.delete("/kazoo", recursive=True)
    check("recursive delete", zk.exists("/kazoo"), None)
    zk.stop()
    zk.close()


if __name__ == "__main__":
    main(sys.argv[1])
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("kazoo checks passed")
