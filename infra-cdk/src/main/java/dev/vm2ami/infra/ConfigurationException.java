package dev.vm2ami.infra;

/** The operator's configuration is wrong; the message names the key, the allowed values and where it was set. */
public final class ConfigurationException extends IllegalArgumentException {
    public ConfigurationException(String message) {
        super("Invalid configuration: " + message);
    }
}
