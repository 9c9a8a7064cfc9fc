/**
 * The JSON API: sessions, API tokens, JWTs, social sign-in for apps, the audit trail, the JWKS and forward-auth for
 * reverse proxies, with the one wire shape of users, sessions and tokens ({@link dev.latchkey.server.web.api.Views}).
 * Never depends on the pages.
 */
package dev.latchkey.server.web.api;
