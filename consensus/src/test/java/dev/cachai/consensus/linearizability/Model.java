package dev.cachai.consensus.linearizability;

/**
 * The sequential specification a history is checked against. States must have value equality
 * (the checker remembers which (operations done, state) pairs it has already explored).
 */
public interface Model<S, O> {
    S initial();

    /** Whether {@code op}, with the result its client recorded, can happen in {@code state}. */
    boolean allows(S state, O op);

    /** The state after {@code op}; called only where {@link #allows} said yes. */
    S apply(S state, O op);
}
