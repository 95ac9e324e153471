package dev.cachai.engine;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Child names every one of which is printable ASCII, so their chars are their UTF-8 bytes: a
 * reply encoder copies them without checking each character again (a child listing is most of
 * a getChildren reply, and the engine has already looked at every byte of every name).
 */
public final class AsciiNames extends AbstractList<String> implements RandomAccess {
    private final List<String> names;

    /** @param names printable-ASCII names; the caller hands the list over and keeps no reference */
    AsciiNames(List<String> names) {
        this.names = names;
    }

    @Override
    public String get(int index) {
        return names.get(index);
    }

    @Override
    public int size() {
        return names.size();
    }
}
