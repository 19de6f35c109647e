package dev.vm2ami.local.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Options for the local cloud that {@link LocalCloudExtension} starts for a test class. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LocalCloudConfig {
    /** Factor applied to AWS's import stage durations; 0.002 walks a 30-minute import in ~3.6 s. */
    double timeScale() default 0.002;

    int importQuota() default 20;

    int maxWorkersPerFunction() default 2;
}
