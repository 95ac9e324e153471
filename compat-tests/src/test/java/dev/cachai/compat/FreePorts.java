package dev.cachai.compat;

import dev.cachai.netty.FreeLoopbackPorts;

/** Free loopback ports for servers a test starts itself (see {@link FreeLoopbackPorts}). */
public final class FreePorts {
    private FreePorts() {}

    public static int next() {
        return FreeLoopbackPorts.next();
    }
}
