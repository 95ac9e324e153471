package dev.cachai.compat.etcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/** A test class that runs against Cachai and a real etcd, both started once for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BothEtcdTargets {
    protected Targets.Target etcd;
    protected Targets.Target cachai;

    @BeforeAll
    void startBoth() throws Exception {
        etcd = Targets.realEtcd();
        assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
        cachai = Targets.cachai();
    }

    @AfterAll
    void stopBoth() {
        if (etcd != null) {
            etcd.close();
        }
        if (cachai != null) {
            cachai.close();
        }
    }
}
