/**
 * Jetty plumbing and the request model every other web package builds on: the server and its listeners, the body
 * read without a thread, the connection guard, trusted proxies, the {@link dev.latchkey.server.web.http.Exchange}
 * with the request's {@link dev.latchkey.server.web.http.Caller}, the {@link dev.latchkey.server.web.http.Router}
 * and each route's {@link dev.latchkey.server.web.http.Policy}, the named errors and the one writer of error bodies.
 * It knows nothing of how a caller is resolved, nor of any endpoint.
 */
package dev.latchkey.server.web.http;
