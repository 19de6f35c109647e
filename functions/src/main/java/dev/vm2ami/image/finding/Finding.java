package dev.vm2ami.image.finding;

/**
 * One thing inspection found.
 *
 * @param code    stable, machine-readable (e.g. {@code VMDK_NOT_STREAM_OPTIMIZED})
 * @param message what is wrong, in the user's terms
 * @param fix     what to do about it (from the VM Import/Export requirements and troubleshooting)
 */
public record Finding(Severity severity, String code, String message, String fix) {
}
