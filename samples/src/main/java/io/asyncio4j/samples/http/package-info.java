/**
 * An HTTP/1.1 codec over {@link io.asyncio4j.Connection}: request and response heads parsed with mandatory
 * limits ({@link io.asyncio4j.samples.http.HttpLimits}), body framing by RFC 9112 §6.3, a chunked decoder, and
 * head encoding. No file serving and no policy: the static file server, the client, the fetcher and the
 * benchmarks' plaintext server build on it.
 */
package io.asyncio4j.samples.http;
