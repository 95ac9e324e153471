package dev.cachai.compat.etcd;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's python3-etcd3 (0.12, grpcio) runs one script against a real etcd and the Cachai
 * server; the printed results must be identical.
 */
class PythonEtcd3Test {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long SCRIPT_TIMEOUT_SECONDS = 60;

    /** Values only, never revisions or lease ids, so both servers print the same lines. */
    private static final String SCRIPT = """
            import sys, etcd3
            c = etcd3.client(host='127.0.0.1', port=int(sys.argv[1]), timeout=5)
            def log(*a): print(*a, flush=True)
            c.put('foo', 'bar')
            v, m = c.get('foo'); log('get', v, m.version)
            c.put('foo', 'bar2'); v, m = c.get('foo'); log('get again', v, m.version)
            log('missing', c.get('nope'))
            c.put('pre/a', '1'); c.put('pre/b', '2'); c.put('prf', 'x')
            log('prefix', [(m.key, v) for v, m in c.get_prefix('pre/', sort_order='ascend')])
            log('all keys', sorted(m.key for v, m in c.get_all()))
            ok, r = c.transaction(compare=[c.transactions.value('foo') == 'bar2'],
                                  success=[c.transactions.put('foo', 'baz')], failure=[c.transactions.get('foo')])
            log('txn', ok, len(r))
            ok, r = c.transaction(compare=[c.transactions.version('foo') == 99],
                                  success=[c.transactions.put('foo', 'never')], failure=[c.transactions.get('foo')])
            log('txn else', ok, [v for v, m in r[0]])
            ok, r = c.transaction(compare=[c.transactions.create('newkey') == 0],
                                  success=[c.transactions.put('newkey', 'created')], failure=[])
            log('create if absent', ok, c.get('newkey')[0])
            lease = c.lease(30)
            c.put('leased', 'x', lease=lease)
            log('lease', lease.granted_ttl, lease.keys)
            lease.refresh()
            lease.revoke()
            log('after revoke', c.get('leased')[0])
            log('delete', c.delete('foo'), c.delete('foo'))
            log('delete prefix', c.delete_prefix('pre/').deleted)
            c.put('w/a', '1'); c.put('w/b', '2'); c.delete('w/a')
            start = c.get('w/b')[1].mod_revision - 1
            events, cancel = c.watch_prefix('w/', start_revision=start)
            for i, e in enumerate(events):
                log('event', type(e).__name__, e.key, e.value)
                if i == 2:
                    break
            cancel()
            with c.lock('mylock', ttl=10) as lock:
                log('locked', lock.is_acquired())
            log('status', c.status().version.split('.')[0])
            log('members', len(list(c.members)))
            """;

    @Test
    void clientSeesTheSameAsOnEtcd() throws Exception {
        assertThat(run("-c", "import etcd3, grpc").exit).as("python3-etcd3 installed (Debian)").isZero();
        Path script = Files.createTempFile("etcd3-client", ".py");
        try {
            Files.writeString(script, SCRIPT);
            String expected;
            try (Targets.Target etcd = Targets.realEtcd()) {
                assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
                expected = runScript(script, etcd);
            }
            try (Targets.Target cachai = Targets.cachai()) {
                assertThat(runScript(script, cachai)).isEqualTo(expected);
            }
            assertThat(expected.lines().toList()).hasSizeGreaterThan(15).contains("lease 30 [b'leased']");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String runScript(Path script, Targets.Target target) throws Exception {
        String port = target.endpoint().substring(target.endpoint().lastIndexOf(':') + 1);
        Result r = run(script.toString(), port);
        assertThat(r.exit).as(target.name() + ":\n" + r.out).isZero();
        return r.out;
    }

    private record Result(int exit, String out) {}

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(PYTHON.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
