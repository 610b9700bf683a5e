/**
 * The HTTP/1.1 codec of the sample programs, internal to them: request and response heads parsed with mandatory
 * limits ({@link io.asyncio4j.samples.http.HttpLimits}), body framing by RFC 9112 §6.3, a chunked decoder, and head
 * encoding over {@link io.asyncio4j.Connection}. No file serving and no policy: the static file server, the HTTP
 * client and the fetcher build on it.
 *
 * <p>Not a library API: its types are public only so that the sample packages can share them, nothing outside
 * this module uses them, and they change with the samples without notice or compatibility promise. It is fuzzed
 * and held to a corpus of hostile requests all the same, because the sample servers face the network.
 */
package io.asyncio4j.samples.http;
