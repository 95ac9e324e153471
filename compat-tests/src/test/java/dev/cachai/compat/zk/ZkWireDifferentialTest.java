package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Wire-level behaviour and the four-letter words, Cachai against a real ZooKeeper 3.9.5. */
class ZkWireDifferentialTest extends BothTargets {
    private static final int UNKNOWN_OPCODE = 999;
    /** Twice ZooKeeper's default jute.maxbuffer. */
    private static final int OVERSIZE_BYTES = 2 * 1024 * 1024;


    interface Scenario {
        List<String> run(ZkTargets.Target target) throws Exception;
    }

    private void compare(Scenario s) throws Exception {
        List<String> expected = s.run(real);
        List<String> actual = s.run(cachai);
        assertThat(actual).as("cachai vs zookeeper").containsExactlyElementsOf(expected);
    }

    @Test
    void unknownOpcodeIsUnimplementedThenClosed() throws Exception {
        compare(target -> {
            try (RawZk raw = new RawZk(target.connectString())) {
                List<String> t = new ArrayList<>();
                t.add("timeout " + raw.connect());
                t.add("unknown opcode -> " + raw.request(1, UNKNOWN_OPCODE));
                t.add("closed " + raw.closedByServer());
                return t;
            }
        });
    }

    @Test
    void oversizeRequestDropsOnlyThatConnection() throws Exception {
        compare(target -> {
            List<String> t = new ArrayList<>();
            ZkClients.States states = new ZkClients.States();
            try (ZooKeeper zk = ZkClients.connect(target.connectString(), 10_000, states);
                 ZooKeeper other = ZkClients.connect(target.connectString(), 10_000, null)) {
                zk.create("/big", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
                long session = zk.getSessionId();
                try {
                    zk.setData("/big", new byte[OVERSIZE_BYTES], -1);
                    t.add("set 2 MiB -> ok");
                } catch (org.apache.zookeeper.KeeperException e) {
                    t.add("set 2 MiB -> " + e.code());
                }
                states.await(org.apache.zookeeper.Watcher.Event.KeeperState.Disconnected);
                states.await(org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected);
                t.add("other still served -> " + (other.exists("/big", false) != null));
                t.add("same session after reconnect -> " + (zk.exists("/big", false).getEphemeralOwner() == session));
                zk.delete("/big", -1);
            }
            return t;
        });
    }

    /** Long enough that the client sends no ping between crst and cons (it pings after a third of it idle). */
    private static final int QUIET_SESSION_MS = 30_000;

    @Test
    void traceMaskAndConnectionStatsResetAsZooKeeper() throws Exception {
        compare(target -> {
            List<String> t = new ArrayList<>();
            String at = target.connectString();
            t.add("gtmk -> " + RawZk.fourLetterWord(at, "gtmk"));
            t.add("stmk 4660 -> " + RawZk.fourLetterWord(at, stmk(0x1234)));
            t.add("gtmk -> " + RawZk.fourLetterWord(at, "gtmk"));
            t.add("stmk -1 -> " + RawZk.fourLetterWord(at, stmk(-1)));
            t.add("gtmk -> " + RawZk.fourLetterWord(at, "gtmk"));
            t.add("stmk 306 -> " + RawZk.fourLetterWord(at, stmk(306)));
            try (ZooKeeper zk = ZkClients.connect(at, QUIET_SESSION_MS, null)) {
                for (int i = 0; i < 5; i++) {
                    zk.exists("/", false);
                }
                String sid = "sid=0x" + Long.toHexString(zk.getSessionId()) + ",";
                t.add("crst -> " + RawZk.fourLetterWord(at, "crst"));
                String line = RawZk.fourLetterWord(at, "cons").lines().filter(l -> l.contains(sid)).findFirst().orElse("none");
                t.add("cons after crst -> " + line.replaceAll("^.*\\(", "(").replace(sid, "sid=#,")
                        .replaceAll("est=\\d+", "est=#").replaceAll("to=\\d+", "to=#"));
            }
            return t;
        });
    }

    private static byte[] stmk(long mask) {
        return ByteBuffer.allocate(12).put("stmk".getBytes(StandardCharsets.US_ASCII)).putLong(mask).array();
    }

    @Test
    void dirsAndConfReportTheDataFiles() throws Exception {
        for (Map.Entry<String, ZkTargets.Target> named : Map.of("zookeeper", real, "cachai", cachai).entrySet()) {
            String at = named.getValue().connectString();
            assertThat(RawZk.fourLetterWord(at, "dirs")).as(named.getKey() + " dirs")
                    .matches("datadir_size: \\d+\nlogdir_size: [1-9]\\d*\n");
            assertThat(RawZk.fourLetterWord(at, "conf")).as(named.getKey() + " conf")
                    .containsPattern("\ndataDir=/\\S+\ndataDirSize=\\d+\ndataLogDir=/\\S+\ndataLogSize=[1-9]\\d*\n");
            // The same figures in both words, measured on disk (a log file being preallocated may
            // change them between two asks).
            await().atMost(Duration.ofSeconds(10)).until(() -> dirSizes(RawZk.fourLetterWord(at, "dirs"))
                    .equals(dirSizes(RawZk.fourLetterWord(at, "conf"))));
        }
    }

    /** The data and log sizes a dirs or conf answer shows, in that order. */
    private static List<String> dirSizes(String answer) {
        return answer.lines().filter(l -> l.matches("(datadir_size: |dataDirSize=|logdir_size: |dataLogSize=)\\d+"))
                .map(l -> l.replaceAll("\\D", "")).toList();
    }

    private static final List<String> EXACT_WORDS = List.of("ruok", "isro", "crst", "srst", "gtmk", "stmk", "hash");
    /** The mntr keys monitoring scripts read; a real ZooKeeper shows many more. */
    private static final List<String> MNTR_CORE = List.of("zk_version", "zk_server_state", "zk_avg_latency",
            "zk_max_latency", "zk_min_latency", "zk_packets_received", "zk_packets_sent", "zk_num_alive_connections",
            "zk_outstanding_requests", "zk_znode_count", "zk_watch_count", "zk_ephemerals_count",
            "zk_approximate_data_size", "zk_open_file_descriptor_count", "zk_max_file_descriptor_count");

    /** Every word's answer while one client holds an ephemeral and watches it. */
    private static Map<String, String> fourLetterWords(ZkTargets.Target target) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (ZooKeeper zk = ZkClients.connect(target.connectString(), 10_000, null)) {
            zk.create("/w", null, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            zk.exists("/w", true);
            for (String w : List.of("ruok", "isro", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc",
                    "wchp", "dump", "dirs", "gtmk", "stmk", "hash", "crst", "srst")) {
                out.put(w, RawZk.fourLetterWord(target.connectString(), w));
            }
        }
        return out;
    }

    /** The text before {@code separator} on each line that has it and is not indented. */
    private static List<String> keys(String text, String separator) {
        return text.lines().filter(l -> l.contains(separator) && !l.startsWith(" ") && !l.startsWith("\t"))
                .map(l -> l.substring(0, l.indexOf(separator))).toList();
    }

    /**
     * Session ids, addresses, dates and numbers blanked, so layouts compare; connection lines
     * dropped (earlier admin connections may still be closing).
     */
    private static List<String> shape(String text) {
        return text.lines().filter(l -> !l.startsWith("\tip: ")).map(l -> l
                .replaceAll("0x[0-9a-f]+", "0x#")
                .replaceAll("/127\\.0\\.0\\.1:\\d+", "ADDR")
                .replaceAll("\\w{3} \\w{3} \\d+ [\\d:]+ \\w+ \\d{4}", "DATE")
                .replaceAll("\\d+(\\.\\d+)?", "#")).toList();
    }

    private static List<String> distinctShape(String text) {
        return shape(text).stream().distinct().sorted().toList();
    }

    /** Field names inside the parentheses of cons lines. */
    private static List<List<String>> consFields(String cons) {
        return cons.lines().filter(l -> l.contains("(")).map(l -> java.util.Arrays.stream(
                l.substring(l.indexOf('(') + 1, l.lastIndexOf(')')).split(",")).map(f -> f.split("=")[0]).toList())
                .distinct().sorted(java.util.Comparator.comparing(List::size)).toList();
    }

    @Test
    void fourLetterWordsHaveZooKeepersShape() throws Exception {
        Map<String, String> zk = fourLetterWords(real);
        Map<String, String> us = fourLetterWords(cachai);
        for (String w : EXACT_WORDS) {
            assertThat(us.get(w)).as(w).isEqualTo(zk.get(w));
        }
        for (String w : List.of("srvr", "stat")) {
            assertThat(keys(us.get(w), ":")).as(w).isEqualTo(keys(zk.get(w), ":"));
        }
        assertThat(us.get("srvr").lines().findFirst().orElseThrow())
                .matches("Zookeeper version: 3\\.9\\.5-\\S+, built on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC");
        assertThat(keys(zk.get("mntr"), "\t")).as("mntr keys").containsAll(keys(us.get("mntr"), "\t"));
        assertThat(keys(us.get("mntr"), "\t")).as("mntr keys").containsAll(MNTR_CORE);
        assertThat(keys(us.get("conf"), "=")).as("conf keys").isEqualTo(keys(zk.get("conf"), "="));
        assertThat(keys(us.get("envi"), "=")).as("envi keys").isEqualTo(keys(zk.get("envi"), "="));
        assertThat(consFields(us.get("cons"))).as("cons fields").isEqualTo(consFields(zk.get("cons")));
        for (String w : List.of("wchs", "wchc", "wchp", "dump", "dirs")) {
            // distinct lines: sessions of earlier tests may linger in the real server's expiry buckets
            assertThat(distinctShape(us.get(w))).as(w).isEqualTo(distinctShape(zk.get(w)));
        }
    }
}
