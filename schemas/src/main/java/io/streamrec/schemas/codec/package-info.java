/**
 * Bytes to records and back: Avro binary for any generated record
 * ({@link io.streamrec.schemas.codec.AvroBinaryCodec}), and the natural JSON people write
 * ({@link io.streamrec.schemas.codec.JsonCodecs}): both ways for events and profiles, write-only
 * for what streamrec emits to debug topics. Codecs check shape only; the rules live in
 * {@code validate}, and the ingestion contract that combines both in {@code ingest}.
 */
package io.streamrec.schemas.codec;
