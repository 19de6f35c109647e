package dev.vm2ami.local.testing;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Starts one local cloud per test class (on a free loopback port) and injects it into test
 * methods and lifecycle methods; it stops when the class is done.
 */
public final class LocalCloudExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalCloudExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalCloud.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(testClass, c -> new RunningCloud(start(testClass)), RunningCloud.class)
                .cloud();
    }

    private static LocalCloud start(Class<?> testClass) {
        LocalCloudConfig config = testClass.getAnnotation(LocalCloudConfig.class);
        LocalCloudOptions options = LocalCloudOptions.defaults().withTimeScale(0.002);
        if (config != null) {
            options = options.withTimeScale(config.timeScale()).withImportQuota(config.importQuota())
                    .withMaxWorkersPerFunction(config.maxWorkersPerFunction());
        }
        // -Dvm2ami.keepLogs=true keeps the function and cloud logs of a test run for reading afterwards.
        options = options.withKeepWorkDirectory(Boolean.getBoolean("vm2ami.keepLogs"));
        try {
            return LocalCloud.start(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record RunningCloud(LocalCloud cloud) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cloud.close();
        }
    }
}
