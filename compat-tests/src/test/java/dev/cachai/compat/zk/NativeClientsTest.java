package dev.cachai.compat.zk;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Non-Java clients: kazoo (Python) and the ZooKeeper C client's cli_mt, which Mesos-style users rely on. */
class NativeClientsTest extends BothTargets {

    @Test
    void kazooScriptPasses() throws Exception {
        NativeTool.requireInstalled(NativeTool.PYTHON, "python3-kazoo");
        Path script = Path.of(getClass().getResource("/zk/kazoo_check.py").toURI());
        NativeTool.Outcome o = NativeTool.run(List.of(NativeTool.PYTHON.toString(), script.toString(),
                cachai.connectString()), "", null, null);
        assertThat(o.exitCode()).as("kazoo script\nstdout:\n" + o.stdout() + "\nstderr:\n" + o.stderr()).isZero();
        assertThat(o.stdout()).contains("kazoo checks passed");
    }

    private static final String CLI_COMMANDS = String.join("\n",
            "create /cm",
            "create /cm/x",
            "set /cm/x hello",
            "get /cm/x",
            "ls /cm",
            "create +es /cm/label_",
            "create +es /cm/label_",
            "ls /cm",
            "exists /cm/none",
            "delete /cm/x",
            "get /cm/x",
            "create /cm/end",
            "exists /cm/end",
            "");

    @Test
    void cliMtSessionMatchesZooKeeper() throws Exception {
        NativeTool.requireInstalled(NativeTool.CLI_MT, "zookeeper-bin");
        List<String> expected = cliMt(real);
        List<String> actual = cliMt(cachai);
        // cli_mt prints synchronous results (exists) from its main thread and async ones from its
        // completion thread, so lines interleave differently from run to run: compare contents.
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(actual).contains("\tname = /cm/label_0000000001", "\tname = /cm/label_0000000002",
                "Watcher CHILD_EVENT state = CONNECTED_STATE for path /cm", "Error -101 for /cm/none");
    }

    /**
     * What cli_mt reports (on stderr) about replies and watch events, with times, zxids and the
     * session id blanked; its log lines and the command echoes (printed as commands are read,
     * racing with replies) are dropped.
     */
    private static List<String> cliMt(ZkTargets.Target target) throws Exception {
        NativeTool.Outcome o = NativeTool.run(List.of(NativeTool.CLI_MT.toString(), target.connectString()),
                CLI_COMMANDS, "name = /cm/end", "quit\n");
        List<String> lines = o.stderr().lines()
                .filter(l -> !l.contains("ZOO_") && !l.startsWith("Creating [") && !l.contains("SESSION_EVENT")
                        && !l.startsWith("Got a new session id") && !l.startsWith("time = "))
                .map(l -> l.replaceAll("([cm]time) ?= ?.*", "$1=T").replaceAll("zxid=\\d+", "zxid=Z"))
                .toList();
        return sortChildRuns(lines);
    }

    /** ZooKeeper lists children in hash order, Cachai sorted; clients may rely on neither. */
    private static List<String> sortChildRuns(List<String> lines) {
        List<String> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        for (String l : lines) {
            if (l.matches("\t[\\w.-]+")) {
                run.add(l);
                continue;
            }
            run.sort(null);
            out.addAll(run);
            run.clear();
            out.add(l);
        }
        run.sort(null);
        out.addAll(run);
        return out;
    }
}
