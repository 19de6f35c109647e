/**
 * SnapStart priming: each handler registers a {@link dev.vm2ami.priming.Primer}, an {@code org.crac}
 * Resource whose {@code beforeCheckpoint} runs the handler's domain path on a canned input before
 * Lambda snapshots the initialised function, so that classes are loaded and Jackson's and the SDK's
 * caches are filled in the snapshot rather than on the first invocation after a restore. While it
 * primes, the SDK clients' HTTP client ({@link dev.vm2ami.priming.PrimingHttpClient}) answers every
 * request itself: requests are marshalled and signed, answers unmarshalled, nothing leaves the process.
 * The ground floor, like {@code wiring}: it uses no other vm2ami package.
 */
package dev.vm2ami.priming;
