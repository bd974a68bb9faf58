/**
 * Records for the dead-letter topic, built from the same vocabulary whether a record was refused
 * at decoding or later as late or duplicate.
 */
package io.streamrec.schemas.deadletter;
