// kube_storage drives an etcd endpoint through etcd's own Go client (clientv3, the library
// kube-apiserver's storage layer is built on) with the calls kube-apiserver's etcd3 store makes:
// creates, guaranteed updates and conditional deletes as txns on mod_revision, paginated and
// count-only lists at a revision, watches from rev+1 with prev_kv under WithRequireLeader,
// progress requests, leases shared by keys, and the compactor's txn on compact_rev_key followed
// by Compact. Each outcome is printed as one line, revisions relative to the first write, so
// that the report of a real etcd and of Cachai can be compared line for line.
//
// Usage: kube_storage http://127.0.0.1:2379
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/etcd/clientv3"
)

const (
	prefix        = "/registry/pods/default/"
	compactRevKey = "compact_rev_key"
	dialTimeout   = 10 * time.Second
	runTimeout    = 60 * time.Second
	eventsTimeout = 10 * time.Second
	podCount      = 7
	pageLimit     = 3
)

type run struct {
	client *clientv3.Client
	// bounds every call: the whole run ends within runTimeout
	calls  context.Context
	base   int64
	events chan clientv3.WatchResponse
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: kube_storage ENDPOINT")
	}
	client, err := clientv3.New(clientv3.Config{Endpoints: []string{os.Args[1]}, DialTimeout: dialTimeout})
	if err != nil {
		fail("connect: %v", err)
	}
	defer client.Close()
	calls, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	r := &run{client: client, calls: calls}
	r.start()
	r.createPods()
	r.updateAndDelete()
	r.listPages()
	r.leases()
	r.progress()
	r.compaction()
	fmt.Println("done")
}

// start writes the first key, whose revision every later one is told relative to, and opens
// the watch kube-apiserver's watch cache keeps on a resource prefix.
func (r *run) start() {
	resp, err := r.client.Put(r.ctx(), "/registry/health-start", "x")
	if err != nil {
		fail("first put: %v", err)
	}
	r.base = resp.Header.Revision
	watchCtx := clientv3.WithRequireLeader(context.Background())
	ch := r.client.Watch(watchCtx, prefix, clientv3.WithPrefix(), clientv3.WithRev(r.base+1),
		clientv3.WithPrevKV(), clientv3.WithProgressNotify())
	r.events = make(chan clientv3.WatchResponse, 1024)
	go func() {
		for wr := range ch {
			r.events <- wr
		}
		close(r.events)
	}()
}

func (r *run) createPods() {
	for i := 0; i < podCount; i++ {
		r.create(pod(i), fmt.Sprintf("pod-%d-v1", i))
	}
	r.create(pod(2), "pod-2-again")
	r.awaitEvents("after creates", r.current())
}

// create is the store's Create: put only if the key does not exist.
func (r *run) create(key, value string) {
	resp, err := r.client.Txn(r.ctx()).If(clientv3.Compare(clientv3.ModRevision(key), "=", 0)).
		Then(clientv3.OpPut(key, value)).Commit()
	if err != nil {
		r.line("create %s: error %v", short(key), err)
		return
	}
	r.line("create %s: succeeded=%v rev=%s", short(key), resp.Succeeded, r.rel(resp.Header.Revision))
}

func (r *run) updateAndDelete() {
	modRev := r.get(pod(1))
	r.guaranteedUpdate(pod(1), modRev, "pod-1-v2")
	r.guaranteedUpdate(pod(1), modRev, "pod-1-stale")
	modRev = r.get(pod(3))
	r.conditionalDelete(pod(3), modRev+100)
	r.conditionalDelete(pod(3), modRev)
	r.conditionalDelete(pod(3), modRev)
	r.awaitEvents("after updates", r.current())
}

// get returns the key's mod_revision, which the store's conditional writes compare on.
func (r *run) get(key string) int64 {
	resp, err := r.client.Get(r.ctx(), key)
	if err != nil {
		fail("get %s: %v", key, err)
	}
	if len(resp.Kvs) != 1 {
		fail("get %s: %d keys", key, len(resp.Kvs))
	}
	kv := resp.Kvs[0]
	r.line("get %s: %s c=%s m=%s v%d", short(key), kv.Value, r.rel(kv.CreateRevision), r.rel(kv.ModRevision), kv.Version)
	return kv.ModRevision
}

// guaranteedUpdate is the store's optimistic put: on a lost race the Else branch returns the
// key as it is now, which the store retries from.
func (r *run) guaranteedUpdate(key string, modRev int64, value string) {
	resp, err := r.client.Txn(r.ctx()).If(clientv3.Compare(clientv3.ModRevision(key), "=", modRev)).
		Then(clientv3.OpPut(key, value)).Else(clientv3.OpGet(key)).Commit()
	if err != nil {
		r.line("update %s: error %v", short(key), err)
		return
	}
	r.line("update %s at m=%s: succeeded=%v rev=%s %s", short(key), r.rel(modRev), resp.Succeeded,
		r.rel(resp.Header.Revision), r.elseGet(resp))
}

func (r *run) conditionalDelete(key string, modRev int64) {
	resp, err := r.client.Txn(r.ctx()).If(clientv3.Compare(clientv3.ModRevision(key), "=", modRev)).
		Then(clientv3.OpDelete(key, clientv3.WithPrevKV())).Else(clientv3.OpGet(key)).Commit()
	if err != nil {
		r.line("delete %s: error %v", short(key), err)
		return
	}
	detail := r.elseGet(resp)
	if resp.Succeeded {
		d := resp.Responses[0].GetResponseDeleteRange()
		detail = fmt.Sprintf("deleted=%d prev=%d", d.Deleted, len(d.PrevKvs))
	}
	r.line("delete %s at m=%s: succeeded=%v rev=%s %s", short(key), r.rel(modRev), resp.Succeeded,
		r.rel(resp.Header.Revision), detail)
}

func (r *run) elseGet(resp *clientv3.TxnResponse) string {
	if resp.Succeeded {
		return ""
	}
	g := resp.Responses[0].GetResponseRange()
	if len(g.Kvs) == 0 {
		return "now absent"
	}
	return fmt.Sprintf("now %s m=%s", g.Kvs[0].Value, r.rel(g.Kvs[0].ModRevision))
}

// listPages is the store's GetList with a limit: every page at the revision of the first, the
// next page from the last key plus a zero byte, and the count the apiserver reports.
func (r *run) listPages() {
	end := clientv3.GetPrefixRangeEnd(prefix)
	count, err := r.client.Get(r.ctx(), prefix, clientv3.WithRange(end), clientv3.WithCountOnly())
	if err != nil {
		fail("count: %v", err)
	}
	r.line("count: %d kvs=%d", count.Count, len(count.Kvs))
	atRev := r.current()
	r.create(pod(9), "pod-9-after-list-started")
	key := prefix
	for page := 1; ; page++ {
		resp, err := r.client.Get(r.ctx(), key, clientv3.WithRange(end), clientv3.WithLimit(pageLimit), clientv3.WithRev(atRev))
		if err != nil {
			fail("list page %d: %v", page, err)
		}
		names := make([]string, 0, len(resp.Kvs))
		for _, kv := range resp.Kvs {
			names = append(names, short(string(kv.Key)))
		}
		r.line("list page %d at %s: %s more=%v count=%d rev=%s", page, r.rel(atRev), strings.Join(names, ","),
			resp.More, resp.Count, r.rel(resp.Header.Revision))
		if !resp.More {
			break
		}
		key = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
	_, err = r.client.Get(r.ctx(), prefix, clientv3.WithRange(end), clientv3.WithRev(r.current()+5))
	r.line("list at a future revision: %v", err)
	r.awaitEvents("after lists", r.current())
}

// leases is how the apiserver stores events: one lease shared by several keys, revoked at once.
func (r *run) leases() {
	grant, err := r.client.Grant(r.ctx(), 3600)
	if err != nil {
		fail("grant: %v", err)
	}
	r.line("grant ttl=%d", grant.TTL)
	for i := 0; i < 3; i++ {
		key := fmt.Sprintf("%sevent-%d", prefix, i)
		resp, err := r.client.Put(r.ctx(), key, "event", clientv3.WithLease(grant.ID))
		if err != nil {
			fail("put %s: %v", key, err)
		}
		r.line("put %s with lease: rev=%s", short(key), r.rel(resp.Header.Revision))
	}
	ttl, err := r.client.TimeToLive(r.ctx(), grant.ID, clientv3.WithAttachedKeys())
	if err != nil {
		fail("ttl: %v", err)
	}
	r.line("time to live: granted=%d keys=%d", ttl.GrantedTTL, len(ttl.Keys))
	revoke, err := r.client.Revoke(r.ctx(), grant.ID)
	if err != nil {
		fail("revoke: %v", err)
	}
	r.line("revoke: rev=%s", r.rel(revoke.Header.Revision))
	_, err = r.client.Put(r.ctx(), prefix+"event-late", "event", clientv3.WithLease(grant.ID))
	r.line("put with the revoked lease: %v", err)
	r.awaitEvents("after the lease", r.current())
}

// progress is the watch cache's consistent read: a progress request answered on the watch.
func (r *run) progress() {
	// The client keys its watch streams by the context's metadata: the request goes on the
	// watch's stream only with the same require-leader mark.
	if err := r.client.RequestProgress(clientv3.WithRequireLeader(r.ctx())); err != nil {
		fail("request progress: %v", err)
	}
	deadline := time.After(eventsTimeout)
	for {
		select {
		case wr, ok := <-r.events:
			if !ok {
				fail("watch closed waiting for progress")
			}
			if wr.IsProgressNotify() {
				r.line("progress notify: rev=%s", r.rel(wr.Header.Revision))
				return
			}
			r.printEvents(wr)
		case <-deadline:
			fail("no progress notify in %v", eventsTimeout)
		}
	}
}

// compaction is the apiserver's compactor: a txn on compact_rev_key's version elects the member
// that compacts, the others read the key; then Compact, and a watch and a list from before it.
func (r *run) compaction() {
	target := r.current()
	for _, version := range []int64{0, 0, 1} {
		resp, err := r.client.Txn(r.ctx()).If(clientv3.Compare(clientv3.Version(compactRevKey), "=", version)).
			Then(clientv3.OpPut(compactRevKey, strconv.FormatInt(target, 10))).Else(clientv3.OpGet(compactRevKey)).Commit()
		if err != nil {
			fail("compact txn: %v", err)
		}
		r.line("compact txn at version %d: succeeded=%v %s", version, resp.Succeeded, r.elseVersion(resp))
	}
	if _, err := r.client.Compact(r.ctx(), target); err != nil {
		fail("compact: %v", err)
	}
	r.line("compacted to %s", r.rel(target))
	_, err := r.client.Compact(r.ctx(), target)
	r.line("compact again: %v", err)
	_, err = r.client.Get(r.ctx(), prefix, clientv3.WithPrefix(), clientv3.WithRev(target-1))
	r.line("list below the compaction: %v", err)
	for wr := range r.client.Watch(clientv3.WithRequireLeader(r.ctx()), prefix, clientv3.WithPrefix(), clientv3.WithRev(r.base+1)) {
		r.line("old watch: canceled=%v compact=%s err=%v events=%d", wr.Canceled, r.rel(wr.CompactRevision), wr.Err(), len(wr.Events))
		if wr.Canceled || wr.Err() != nil {
			break
		}
	}
	// compact_rev_key is outside the watched prefix: a pod written now is the next event.
	r.create(pod(10), "pod-10-after-compaction")
	r.awaitEvents("after the compaction", r.current())
}

func (r *run) elseVersion(resp *clientv3.TxnResponse) string {
	if resp.Succeeded {
		return ""
	}
	kv := resp.Responses[0].GetResponseRange().Kvs[0]
	return fmt.Sprintf("value=+%d version=%d", mustInt(string(kv.Value))-r.base, kv.Version)
}

// awaitEvents prints the watch's responses until one reaches revision rev.
func (r *run) awaitEvents(label string, rev int64) {
	r.line("events %s, up to %s:", label, r.rel(rev))
	deadline := time.After(eventsTimeout)
	for {
		select {
		case wr, ok := <-r.events:
			if !ok {
				fail("watch closed %s", label)
			}
			if r.printEvents(wr) >= rev {
				return
			}
		case <-deadline:
			fail("events %s: revision %d not reached in %v", label, rev-r.base, eventsTimeout)
		}
	}
}

// printEvents prints one watch response and returns the newest revision it carries.
func (r *run) printEvents(wr clientv3.WatchResponse) int64 {
	if err := wr.Err(); err != nil {
		fail("watch: %v", err)
	}
	if wr.IsProgressNotify() {
		r.line("  unrequested progress notify")
		return 0
	}
	newest := int64(0)
	for _, e := range wr.Events {
		prev := ""
		if e.PrevKv != nil {
			prev = fmt.Sprintf(" prev=%s v%d", e.PrevKv.Value, e.PrevKv.Version)
		}
		r.line("  %s %s %s m=%s v%d%s", e.Type, short(string(e.Kv.Key)), e.Kv.Value, r.rel(e.Kv.ModRevision), e.Kv.Version, prev)
		if e.Kv.ModRevision > newest {
			newest = e.Kv.ModRevision
		}
	}
	return newest
}

func (r *run) current() int64 {
	resp, err := r.client.Get(r.ctx(), "/registry/health")
	if err != nil {
		fail("health get: %v", err)
	}
	return resp.Header.Revision
}

func (r *run) ctx() context.Context {
	return r.calls
}

func (r *run) rel(rev int64) string {
	if rev == 0 {
		return "0"
	}
	return fmt.Sprintf("+%d", rev-r.base)
}

func (r *run) line(format string, args ...interface{}) {
	fmt.Printf(format+"\n", args...)
}

func pod(i int) string {
	return fmt.Sprintf("%spod-%d", prefix, i)
}

func short(key string) string {
	return strings.TrimPrefix(key, prefix)
}

func mustInt(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		fail("not a number: %q", s)
	}
	return v
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}
