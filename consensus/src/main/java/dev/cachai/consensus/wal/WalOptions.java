package dev.cachai.consensus.wal;

/**
 * @param segmentBytesMax a segment is closed and a new one started once it reaches this size
 * @param recordBytesMax  largest record accepted; a larger length on disk means damage
 */
public record WalOptions(long segmentBytesMax, int recordBytesMax) {

    public static final WalOptions DEFAULTS = new WalOptions(64L << 20, 16 << 20);

    public WalOptions {
        if (segmentBytesMax < 4096 || recordBytesMax < 1024 || recordBytesMax > segmentBytesMax) {
            throw new IllegalArgumentException("inconsistent WAL limits: " + segmentBytesMax + ", " + recordBytesMax);
        }
    }
}
