package dev.cachai.zk;

import java.util.List;
import java.util.Set;

/**
 * Settings of the ZooKeeper endpoint, named after their zoo.cfg twins.
 *
 * @param host                      address to bind (clientPortAddress)
 * @param port                      port to bind; 0 picks a free one
 * @param tickTimeMs                ZooKeeper's tickTime
 * @param sessionTimeoutMsMin       minSessionTimeout (default 2 ticks)
 * @param sessionTimeoutMsMax       maxSessionTimeout (default 20 ticks)
 * @param connectionsPerAddressMax  maxClientCnxns; 0 means no limit
 * @param requestsOutstandingMax    requests a connection may have in flight before we stop reading it
 * @param frameBytesMax             jute.maxbuffer: the largest request frame accepted
 * @param fourLetterWords           4lw.commands.whitelist ("*" allows all)
 * @param superDigest               zookeeper.DigestAuthenticationProvider.superDigest ("super:base64sha1") or null
 * @param extendedTypesEnabled      zookeeper.extendedTypesEnabled (TTL nodes)
 * @param serverId                  myid: the top byte of generated session ids
 * @param members                   /zookeeper/config lines without "server." prefix
 *                                  ("1=127.0.0.1:2888:3888:participant;127.0.0.1:2181"); empty for standalone
 * @param configVersion             the version line of /zookeeper/config
 * @param eventLoopThreads          Netty worker threads
 * @param changesQueuedMax          committed revisions waiting for watch dispatch before apply is slowed
 * @param reconfigEnabled           ZooKeeper's reconfigEnabled: dynamic reconfiguration (opcode 16)
 *                                  is answered; off, it fails with ReconfigDisabled as ZooKeeper's does
 * @param enforceQuota              zookeeper.enforceQuota: creates and setData that would pass a quota's
 *                                  hard limit fail with QUOTAEXCEEDED; off, quotas are only counted
 */
public record ZkServerConfig(String host, int port, int tickTimeMs, int sessionTimeoutMsMin,
                             int sessionTimeoutMsMax, int connectionsPerAddressMax,
                             int requestsOutstandingMax, int frameBytesMax, Set<String> fourLetterWords,
                             String superDigest, boolean extendedTypesEnabled, long serverId,
                             List<String> members, long configVersion, int eventLoopThreads,
                             int changesQueuedMax, boolean reconfigEnabled, boolean enforceQuota) {

    public static final int TICK_TIME_MS_DEFAULT = 2000;
    public static final int JUTE_MAX_BUFFER_DEFAULT = 0xfffff;

    public ZkServerConfig {
        fourLetterWords = Set.copyOf(fourLetterWords);
        members = List.copyOf(members);
        requirePositive(tickTimeMs, "tickTimeMs");
        requirePositive(requestsOutstandingMax, "requestsOutstandingMax");
        requirePositive(frameBytesMax, "frameBytesMax");
        requirePositive(eventLoopThreads, "eventLoopThreads");
        requirePositive(changesQueuedMax, "changesQueuedMax");
        if (sessionTimeoutMsMin <= 0 || sessionTimeoutMsMax < sessionTimeoutMsMin) {
            throw new IllegalArgumentException("need 0 < sessionTimeoutMsMin <= sessionTimeoutMsMax");
        }
        if (port < 0 || port > 65535 || connectionsPerAddressMax < 0 || serverId < 0 || serverId > 255) {
            throw new IllegalArgumentException("port, connectionsPerAddressMax or serverId out of range");
        }
    }

    private static void requirePositive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
    }

    /** ZooKeeper's defaults on 127.0.0.1 with an ephemeral port. */
    public static ZkServerConfig defaults() {
        int tick = TICK_TIME_MS_DEFAULT;
        return new ZkServerConfig("127.0.0.1", 0, tick, 2 * tick, 20 * tick, 60, 1000,
                JUTE_MAX_BUFFER_DEFAULT, Set.of("srvr"), null, false, 1, List.of(), 0x100000000L,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 65_536, false, false);
    }

    public ZkServerConfig withPort(int p) {
        return new ZkServerConfig(host, p, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withTickTimeMs(int tick) {
        return new ZkServerConfig(host, port, tick, 2 * tick, 20 * tick,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withLimits(int connectionsMax, int outstandingMax, int frameMax) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsMax, outstandingMax, frameMax, fourLetterWords, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withFourLetterWords(Set<String> words) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, words, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withAuth(String superDigestValue, boolean extendedTypes) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigestValue,
                extendedTypes, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withMembers(long id, List<String> memberLines) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigest,
                extendedTypesEnabled, id, memberLines, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforceQuota);
    }

    public ZkServerConfig withReconfigEnabled(boolean enabled) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax, enabled,
                enforceQuota);
    }

    public ZkServerConfig withEnforceQuota(boolean enforce) {
        return new ZkServerConfig(host, port, tickTimeMs, sessionTimeoutMsMin, sessionTimeoutMsMax,
                connectionsPerAddressMax, requestsOutstandingMax, frameBytesMax, fourLetterWords, superDigest,
                extendedTypesEnabled, serverId, members, configVersion, eventLoopThreads, changesQueuedMax,
                reconfigEnabled, enforce);
    }

    public boolean fourLetterWordAllowed(String word) {
        return fourLetterWords.contains("*") || fourLetterWords.contains(word);
    }
}
