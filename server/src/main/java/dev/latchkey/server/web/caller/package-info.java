/**
 * Who the caller is and what proves it: the caller resolved from a token, a JWT or the session cookie
 * ({@link dev.latchkey.server.web.caller.CurrentUser}), CSRF tokens and origins, the cookies themselves, signing a
 * browser in and out, and the audit lines and provider failures that both the API and the pages record.
 */
package dev.latchkey.server.web.caller;
