package dev.latchkey.singleuse;

/** The single-use contract in memory; two "nodes" of one process share the store. */
class MemorySingleUseStoreTest extends SingleUseContract {
    private final MemorySingleUseStore shared = new MemorySingleUseStore(1_000);

    @Override
    protected SingleUseStore node() {
        return shared;
    }
}
