/**
 * The ingestion contract the streaming job relies on: a Kafka key and value in, a valid normalised
 * record or every reason for refusing it out ({@link io.streamrec.schemas.ingest.EventDecoder},
 * {@link io.streamrec.schemas.ingest.ProfileDecoder}). Never throws, whatever the bytes.
 */
package io.streamrec.schemas.ingest;
