/**
 * latchkey as an OpenID Provider over HTTP: discovery, the authorization endpoint and its consent page, the token,
 * userinfo, introspection and revocation endpoints, RP-initiated logout, and the account page's list of apps. The
 * protocol itself is the library's ({@code dev.latchkey.provider}); this package reads and writes HTTP.
 */
package dev.latchkey.server.web.provider;
