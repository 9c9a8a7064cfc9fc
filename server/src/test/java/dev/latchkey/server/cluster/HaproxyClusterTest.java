package dev.latchkey.server.cluster;

import java.util.Map;

/** The cluster on PostgreSQL alone: counters, single use and invalidations in the database (the default). */
class HaproxyClusterTest extends ClusterContract {
    @Override
    Map<String, String> sharedState() {
        return Map.of();
    }
}
