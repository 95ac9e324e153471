package dev.cachai.engine.result;

import java.util.List;

/**
 * A ZooKeeper write's outcome. For a multi that failed, ops before the failing one have OK,
 * the failing one its code and later ones RUNTIMEINCONSISTENCY; nothing was applied.
 * {@code err} is the first error (the single op's error for a non-multi), or OK.
 */
public record ZkTxnResult(long revision, int err, List<ZkOpResult> results) implements Result {}
