/**
 * A Jakarta Servlet 6.0 filter that protects an API with OpenID Connect ID tokens:
 * {@link dev.idtoken.servlet.IdTokenFilter}, built over an {@code IdTokenValidator} or a
 * {@code MultiIssuerValidator}, reads the RFC 6750 bearer credential, answers 400/401/503/500 exactly,
 * and hands the application an {@link dev.idtoken.servlet.IdTokenPrincipal}.
 *
 * <p>Every public type is immutable and thread-safe unless its documentation says otherwise
 * (builders are not thread-safe).
 */
package dev.idtoken.servlet;
