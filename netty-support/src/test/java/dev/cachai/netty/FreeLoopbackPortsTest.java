package dev.cachai.netty;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FreeLoopbackPortsTest {
    @Test
    void portsAreBelowTheEphemeralRangeBindableAndNeverHandedOutTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreeLoopbackPorts.next();
            assertThat(port).isBetween(FreeLoopbackPorts.LOW, FreeLoopbackPorts.HIGH_EXCLUSIVE - 1);
            assertThat(seen.add(port)).as("handed out once").isTrue();
        }
        int port = FreeLoopbackPorts.next();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
