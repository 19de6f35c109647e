package dev.vm2ami.config;

import dev.vm2ami.wiring.EnvKeys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where converted images go and which engine converts them. Apart from {@link PipelineSettings} because
 * only the start, inspect and convert steps read it; it travels as environment variables the same way.
 *
 * @param convertedPrefix the prefix of the converted objects in the import bucket, e.g. {@code converted/}
 * @param lambdaMaxBytes  a conversion of at most this many bytes (allocated, or decompressed) runs in Lambda,
 *                        a larger one on AWS Batch
 */
public record ConversionSettings(String convertedPrefix, long lambdaMaxBytes) {
    public static final String DEFAULT_PREFIX = "converted/";
    /**
     * 30 GB: the measured conversion rate at its slowest (62 MB/s of disk holding data per vCPU, .raw.gz;
     * README "Conversion") gives 52 GB in the 14 minutes a 15-minute Lambda has for converting, on one
     * vCPU; the convert function has 1.7 (3008 MB) but shares them with TLS to S3. 30 GB keeps a margin of
     * 1.7 for a slower CPU or S3; a conversion that still times out in Lambda is redone on Batch.
     */
    public static final long DEFAULT_LAMBDA_MAX_BYTES = 30_000_000_000L;

    public ConversionSettings {
        convertedPrefix = convertedPrefix == null ? "" : convertedPrefix.trim();
        if (convertedPrefix.isEmpty() || convertedPrefix.startsWith("/") || !convertedPrefix.endsWith("/")) {
            throw new IllegalArgumentException(EnvKeys.CONVERTED_PREFIX + " must be a folder of the bucket such as converted/ "
                    + "(not empty, no leading /, ending in /), was '" + convertedPrefix + "'");
        }
        if (lambdaMaxBytes < 0) {
            throw new IllegalArgumentException(EnvKeys.CONVERSION_LAMBDA_MAX_BYTES + " must be at least 0, was " + lambdaMaxBytes);
        }
    }

    public static ConversionSettings defaults() {
        return new ConversionSettings(DEFAULT_PREFIX, DEFAULT_LAMBDA_MAX_BYTES);
    }

    public Map<String, String> toEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvKeys.CONVERTED_PREFIX, convertedPrefix);
        env.put(EnvKeys.CONVERSION_LAMBDA_MAX_BYTES, Long.toString(lambdaMaxBytes));
        return env;
    }

    /** Reads what a function was deployed with; missing keys take their defaults. */
    public static ConversionSettings fromEnvironment(Map<String, String> env) {
        String max = env.get(EnvKeys.CONVERSION_LAMBDA_MAX_BYTES);
        long lambdaMax;
        try {
            lambdaMax = max == null || max.isBlank() ? DEFAULT_LAMBDA_MAX_BYTES : Long.parseLong(max.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EnvKeys.CONVERSION_LAMBDA_MAX_BYTES + " must be a whole number, was '" + max + "'");
        }
        return new ConversionSettings(env.getOrDefault(EnvKeys.CONVERTED_PREFIX, DEFAULT_PREFIX), lambdaMax);
    }

    /** Whether a key is a converted image: the pipeline made it, so it does not start an import of its own. */
    public boolean isConverted(String key) {
        return key.startsWith(convertedPrefix);
    }
}
