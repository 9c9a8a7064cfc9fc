package dev.latchkey.invalidation;

/** The bus contract in one process: nodes on one hub. */
class MemoryInvalidationBusTest extends InvalidationBusContract {
    private final MemoryInvalidationBus.Hub hub = new MemoryInvalidationBus.Hub();

    @Override
    protected InvalidationBus newNode() {
        return hub.node();
    }

    @Override
    protected boolean dropConnection(InvalidationBus bus) {
        return false;
    }
}
