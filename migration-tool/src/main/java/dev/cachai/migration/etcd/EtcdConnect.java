package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens a jetcd client and proves it works with one read, so unreachable servers and bad credentials are clear errors. */
public final class EtcdConnect {
    private EtcdConnect() {}

    public static Client open(String role, String hostPort, String user, Duration timeout) {
        ClientBuilder b = Client.builder().endpoints("http://" + hostPort).connectTimeout(timeout)
                .retryMaxDuration(timeout).maxInboundMessageSize(EtcdLimits.RESPONSE_BYTES_MAX);
        if (user != null) {
            int colon = user.indexOf(':');
            if (colon <= 0) {
                throw new MigrationException("--etcd-user wants user:password");
            }
            b.user(bytes(user.substring(0, colon))).password(bytes(user.substring(colon + 1)));
        }
        Client client = b.build();
        try {
            client.getKVClient().get(bytes("\0"), GetOption.builder().withCountOnly(true).withLimit(1).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return client;
        } catch (TimeoutException e) {
            client.close();
            throw new MigrationException("cannot reach " + role + " etcd at " + hostPort + " within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            client.close();
            throw new MigrationException(role + " etcd at " + hostPort + ": " + EtcdErrors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new MigrationException("interrupted");
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
