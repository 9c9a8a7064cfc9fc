package dev.latchkey.user;

/** How many imported users were new and how many replaced an existing one of the same username. */
public record ImportResult(int inserted, int updated) {}
