/**
 * The browser pages, usable without JavaScript: sign-in and sign-out, the account page, social sign-in and linking,
 * their Mustache templates and the stylesheet. Never depends on the JSON API.
 */
package dev.latchkey.server.web.pages;
