package dev.vm2ami.convert;

/** Reading, writing or uploading failed during a conversion: not the image's fault. */
public final class ConversionFailed extends RuntimeException {
    public ConversionFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
