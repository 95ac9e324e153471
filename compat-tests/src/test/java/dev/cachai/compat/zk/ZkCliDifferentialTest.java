package dev.cachai.compat.zk;

import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.ZooKeeperMain;
import org.apache.zookeeper.cli.CliCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * zkCli, the operator's shell, run through ZooKeeper's own ZooKeeperMain against Cachai and
 * ZooKeeper 3.9.5: every command's output and error message must be the same, with zxids,
 * times and session ids blanked (Cachai's zxids are its own revisions).
 */
class ZkCliDifferentialTest extends BothTargets {
    private static final int SESSION_MS = 30_000;
    /** The in-process servers' log lines (the test's logback pattern), printed meanwhile. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");
    private static final List<String> SCRIPT = List.of(
            "create /cli hello",
            "create /cli again",
            "create -s /cli/seq- a",
            "create -s /cli/seq- b",
            "create -e /cli/eph e",
            "create -c /cli/cont",
            "ls /cli",
            "ls -s /cli",
            "get /cli",
            "get -s /cli",
            "set /cli world",
            "set -v 0 /cli x",
            "stat /cli",
            "get /cli/none",
            "delete /cli",
            "create /cli/ro r",
            "setAcl /cli/ro world:anyone:r",
            "set /cli/ro x",
            "getAcl /cli/ro",
            "delete -v 5 /cli/ro",
            "addauth digest u:p",
            "create /cli/mine m auth::cdrwa",
            "getAcl /cli/mine",
            "setAcl /cli/mine digest:u:cdrwa",
            "setAcl /cli/ro ip:999.1.1.1:r",
            "whoami",
            "getAllChildrenNumber /cli",
            "getEphemerals /cli",
            "ls -R /cli",
            "sync /cli",
            "create /bad/path x",
            "create noslash x",
            "deleteall /cli",
            "ls /cli",
            "ls /");

    @Test
    void zkCliPrintsWhatItPrintsAgainstZooKeeper() throws Exception {
        List<String> expected = transcript(real);
        List<String> actual = transcript(cachai);
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(expected).contains("Created /cli/seq-0000000001", "Node already exists: /cli",
                "Node not empty: /cli", "Insufficient permission : /cli/ro", "Node does not exist: /cli/none",
                "[cont, eph, seq-0000000000, seq-0000000001]", "Sync is OK", "'digest,'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=",
                "Acl is not valid : /cli/ro", "digest: u", "[/cli/eph]", "Path must start with / character");
    }

    /** Each command, then what zkCli printed for it (stdout and stderr in order), blanked. */
    private static List<String> transcript(ZkTargets.Target target) throws Exception {
        List<String> out = new ArrayList<>();
        try (ZooKeeper zk = ZkClients.connect(target.connectString(), SESSION_MS, null)) {
            ZooKeeperMain cli = new ZooKeeperMain(zk);
            for (String line : SCRIPT) {
                out.add("> " + line);
                for (String printed : printedBy(cli, line).split("\n")) {
                    if (!printed.isBlank() && !LOG_LINE.matcher(printed).find()) {
                        out.add(blanked(printed));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Runs one line with both of zkCli's outputs captured: its commands print to the streams
     * they took when ZooKeeperMain was loaded, and its error messages to System.err.
     */
    private static String printedBy(ZooKeeperMain cli, String line) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        List<CliCommand> commands = commands();
        commands.forEach(c -> {
            c.setOut(capture);
            c.setErr(capture);
        });
        System.setOut(capture);
        System.setErr(capture);
        try {
            cli.executeLine(line);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            commands.forEach(c -> {
                c.setOut(stdout);
                c.setErr(stderr);
            });
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** zkCli's command objects (a package-private static map in ZooKeeperMain). */
    @SuppressWarnings("unchecked")
    private static List<CliCommand> commands() throws ReflectiveOperationException {
        Field map = ZooKeeperMain.class.getDeclaredField("commandMapCli");
        map.setAccessible(true);
        return new ArrayList<>(((Map<String, CliCommand>) map.get(null)).values());
    }

    private static String blanked(String line) {
        return line.replaceAll("(cZxid|mZxid|pZxid) = 0x\\p{XDigit}+", "$1 = Z")
                .replaceAll("(ctime|mtime) = .*", "$1 = T")
                .replaceAll("ephemeralOwner = 0x0*[1-9a-f]\\p{XDigit}*", "ephemeralOwner = S")
                .replaceAll("^(/\\S+)\t0x\\p{XDigit}+$", "$1\tS");
    }
}
