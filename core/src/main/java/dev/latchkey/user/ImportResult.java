package dev.latchkey.user;

/**
 * How many imported users were new and how many replaced an existing one of the same username; how many groups and
 * DRF tokens the import held.
 */
public record ImportResult(int inserted, int updated, int groups, int tokens) {
    public ImportResult(int inserted, int updated) {
        this(inserted, updated, 0, 0);
    }
}
