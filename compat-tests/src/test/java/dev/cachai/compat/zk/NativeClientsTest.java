package dev.cachai.compat.zk;

import dev.cachai.compat.NativeTool;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Non-Java clients: kazoo (Python), the ZooKeeper C client's cli_mt, and a program of our own
 * using the C client the way Mesos does.
 */
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

    /**
     * Mesos's use of the C client, compiled here against Debian's libzookeeper-mt: digest logins,
     * Mesos's ACL, ephemeral sequential members, a detector with a child watch electing the
     * lowest, the leader's session ending. Its report must be ZooKeeper's, line for line.
     */
    @Test
    void mesosStyleGroupMatchesZooKeeper() throws Exception {
        NativeTool.requireInstalled(NativeTool.GCC, "gcc");
        assertThat(Files.exists(NativeTool.ZOOKEEPER_H)).as(NativeTool.ZOOKEEPER_H + " missing: apt-get install -y "
                + "libzookeeper-mt-dev").isTrue();
        Path program = Files.createDirectories(Path.of("target", "native")).resolve("mesos_group");
        NativeTool.Outcome compiled = NativeTool.run(List.of(NativeTool.GCC.toString(), "-Wall", "-Werror", "-O1",
                "-o", program.toString(), "src/test/c/mesos_group.c", "-lzookeeper_mt", "-lpthread"), "", null, null);
        assertThat(compiled.exitCode()).as("gcc: " + compiled.stderr()).isZero();

        NativeTool.Outcome expected = NativeTool.run(List.of(program.toString(), real.connectString()), "", null, null);
        assertThat(expected.exitCode()).as("against ZooKeeper:\n" + expected.stdout() + expected.stderr()).isZero();
        NativeTool.Outcome actual = NativeTool.run(List.of(program.toString(), cachai.connectString()), "", null, null);
        assertThat(actual.stdout().lines().toList()).isEqualTo(expected.stdout().lines().toList());
        assertThat(actual.stdout()).contains("leader: master-2 (0)").contains("detector set: -102").endsWith("done\n");
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
        List<String> lines = mainThreadLinesApart(withoutCreateEchoes(o.stderr())).lines()
                .filter(l -> !l.contains("ZOO_") && !l.contains("SESSION_EVENT")
                        && !l.startsWith("Got a new session id") && !l.startsWith("time = "))
                .map(l -> l.replaceAll("([cm]time) ?= ?.*", "$1=T").replaceAll("zxid=\\d+", "zxid=Z"))
                .toList();
        return sortChildRuns(lines);
    }

    /**
     * The echo of a create command ("Creating [/cm/end] node (mode: 0)") is printed as the command
     * is read, so it may land inside a reply's output ("hello" of a get, then the echo): it is
     * taken out wherever it stands.
     */
    static String withoutCreateEchoes(String stderr) {
        return stderr.replaceAll("Creating \\[[^\\]\n]*\\] node \\(mode: \\d+\\)\n?", "");
    }

    /** What cli_mt's main thread prints for the synchronous {@code exists /cm/none}. */
    private static final String MAIN_THREAD_LINE = "Error -101 for /cm/none";

    /**
     * The main thread's line may land inside a line the completion thread is printing ("hello"
     * of a get, then the line, then the rest of the get's output): take it out wherever it stands
     * and put it on a line of its own at the end, where the in-any-order comparison finds it.
     */
    static String mainThreadLinesApart(String stderr) {
        int count = 0;
        StringBuilder rest = new StringBuilder(stderr);
        for (int at = rest.indexOf(MAIN_THREAD_LINE); at >= 0; at = rest.indexOf(MAIN_THREAD_LINE)) {
            int end = at + MAIN_THREAD_LINE.length();
            rest.delete(at, end < rest.length() && rest.charAt(end) == '\n' ? end + 1 : end);
            count++;
        }
        for (int i = 0; i < count; i++) {
            rest.append(rest.length() == 0 || rest.charAt(rest.length() - 1) == '\n' ? "" : "\n")
                    .append(MAIN_THREAD_LINE).append('\n');
        }
        return rest.toString();
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
