package dev.vm2ami.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The CDK app: reads the configuration from context, defines the pipeline stack and checks it with
 * cdk-nag's AWS Solutions rules. Run by {@code bin/cdk-app} (the app command in cdk.json).
 */
public final class Vm2amiApp {
    /**
     * The folder with the functions' zips (one per function, named by PipelineFunction.zipName), unless the
     * system property of the same name says otherwise.
     */
    public static final String ZIPS_PROPERTY = "vm2ami.functions.zips";
    static final String DEFAULT_ZIPS = "../functions/target/lambda";

    private Vm2amiApp() {}

    public static void main(String[] args) {
        App app = new App();
        try {
            define(app, Optional.ofNullable(System.getenv("CDK_DEFAULT_ACCOUNT")),
                    Optional.ofNullable(System.getenv("CDK_DEFAULT_REGION")), Path.of(""));
        } catch (ConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /**
     * Defines the stack in {@code app}. With an account and region (the CLI's credentials) the stack is
     * bound to them and {@code config/<account>.json} is read; without, it is environment-agnostic.
     *
     * @param baseDir the folder of cdk.json, against which config files are resolved
     */
    public static PipelineStack define(App app, Optional<String> account, Optional<String> region, Path baseDir) {
        StackConfig config = StackConfig.load(app.getNode()::tryGetContext, account, baseDir);
        StackProps.Builder props = StackProps.builder()
                .description("vm2ami: VM disk images dropped into S3 become named, tagged AMIs");
        if (account.isPresent() && region.isPresent()) {
            config.requireKeyIn(region.get());
            props.env(Environment.builder().account(account.get()).region(region.get()).build());
        }
        Path zips = baseDir.resolve(System.getProperty(ZIPS_PROPERTY, DEFAULT_ZIPS)).toAbsolutePath().normalize();
        PipelineStack stack = new PipelineStack(app, config, zips, props.build());
        Aspects.of(app).add(new AwsSolutionsChecks());
        return stack;
    }
}
