/**
 * Non-neural reference models for the evaluation harness: popularity over a recent event-time
 * window, and ItemCF with the seeds' similarity (user-activity weight 1/log(1+|N(u)|), popularity
 * penalty α). Both read the same snapshots as the neural models and leave out whatever the protocol
 * excludes.
 */
package io.streamrec.model.baseline;
