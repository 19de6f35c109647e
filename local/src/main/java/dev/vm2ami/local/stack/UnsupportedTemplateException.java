package dev.vm2ami.local.stack;

/** The template uses something the local deployer cannot deploy faithfully. */
public final class UnsupportedTemplateException extends RuntimeException {
    public UnsupportedTemplateException(String message) {
        super(message);
    }
}
