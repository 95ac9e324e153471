package dev.cachai.migration;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a run did and every problem it met. Thread-safe: client callbacks report into it. */
public final class Report {
    /** Problems kept for printing; beyond this only the count grows, so a hostile source cannot exhaust memory. */
    static final int ISSUES_KEPT_MAX = 1_000_000;

    public enum Count {
        READ("read from source"), CREATED("created"), UPDATED("updated"), IDENTICAL("already identical"),
        EPHEMERAL_SKIPPED("ephemeral, skipped"), EPHEMERAL_AS_PERSISTENT("ephemeral, copied as persistent"),
        HIDDEN("hidden by ACL (NOAUTH)"), TOO_LARGE("over the target's size limit"), VANISHED("deleted while reading"),
        FAILED("failed"), LEASES("leases recreated"), ROLES("roles copied"), USERS("users copied"),
        DIFFERENCES("differences"), NOTES("notes");

        final String text;

        Count(String text) {
            this.text = text;
        }
    }

    private final Map<Count, AtomicLong> counts = new EnumMap<>(Count.class);
    private final List<String> issues = new ArrayList<>();
    private final AtomicLong issuesDropped = new AtomicLong();

    public Report() {
        for (Count c : Count.values()) {
            counts.put(c, new AtomicLong());
        }
    }

    public void count(Count c) {
        counts.get(c).incrementAndGet();
    }

    public void count(Count c, long n) {
        counts.get(c).addAndGet(n);
    }

    public long get(Count c) {
        return counts.get(c).get();
    }

    /** A problem the operator must see: a skipped node, a difference, a write that failed. */
    public void issue(Count c, String text) {
        count(c);
        synchronized (issues) {
            if (issues.size() < ISSUES_KEPT_MAX) {
                issues.add(text);
                return;
            }
        }
        issuesDropped.incrementAndGet();
    }

    public List<String> issues() {
        synchronized (issues) {
            return List.copyOf(issues);
        }
    }

    /** Clean means nothing the operator asked for was left behind or differs. */
    public boolean clean() {
        return get(Count.HIDDEN) == 0 && get(Count.TOO_LARGE) == 0 && get(Count.FAILED) == 0
                && get(Count.DIFFERENCES) == 0;
    }

    public void print(PrintStream out) {
        for (String issue : issues()) {
            out.println(issue);
        }
        if (issuesDropped.get() > 0) {
            out.println("... and " + issuesDropped.get() + " more problems not listed");
        }
        StringBuilder sb = new StringBuilder();
        for (Count c : Count.values()) {
            long n = get(c);
            if (n > 0 || c == Count.READ) {
                sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(c.text);
            }
        }
        out.println(sb);
    }
}
