/**
 * What makes a record acceptable: the {@link io.streamrec.schemas.validate.ViolationCode}
 * vocabulary, the configurable {@link io.streamrec.schemas.validate.ValidationLimits}, and the rules
 * of each record kind, which normalise what they accept and report every fault they find.
 */
package io.streamrec.schemas.validate;
