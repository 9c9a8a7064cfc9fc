package dev.latchkey.redis;

/** There is no connection to Redis to send a command on (it could not be made yet). */
final class RedisUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailable(String message) {
        super(message, null, false, false);
    }
}
