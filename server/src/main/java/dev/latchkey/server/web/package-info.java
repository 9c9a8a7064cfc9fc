/**
 * The HTTP surface of latchkey, on Jetty 12's core handlers (no servlets). {@link dev.latchkey.server.web.WebApp}
 * wires it from the library and {@link dev.latchkey.server.web.LatchkeyHandler} enforces each route's policy; the
 * work is in four packages by role, whose dependencies run one way: {@code http} depends on no other,
 * {@code caller} on {@code http}, {@code api} and {@code pages} on both and never on each other
 * ({@code WebPackagesTest} keeps it so).
 */
package dev.latchkey.server.web;
