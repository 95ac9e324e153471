package dev.cachai.migration.etcd;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;

/** Where users and roles are written: a running target's Auth service, or the engine of a new data directory. */
interface AuthTarget {
    /** Applies one change; null when done, else etcd's error (anything else fails the run). */
    EtcdError apply(AuthCommand change);
}
