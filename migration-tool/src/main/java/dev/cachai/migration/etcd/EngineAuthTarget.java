package dev.cachai.migration.etcd;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.result.Failed;
import dev.cachai.migration.datadir.BootstrapEngine;

/** Auth changes applied to the engine a new data directory is built in, as the server would apply them. */
final class EngineAuthTarget implements AuthTarget {
    private final BootstrapEngine engine;

    EngineAuthTarget(BootstrapEngine engine) {
        this.engine = engine;
    }

    @Override
    public EtcdError apply(AuthCommand change) {
        return engine.apply(change) instanceof Failed f ? f.error() : null;
    }
}
