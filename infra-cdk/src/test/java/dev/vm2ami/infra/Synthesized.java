package dev.vm2ami.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A stack synthesized the way {@code cdk synth} does it (cdk.json's context, then overrides as with
 * {@code -c}), with cdk-nag applied. jsii synthesis takes seconds, so each configuration is
 * synthesized once per test run and shared.
 */
record Synthesized(String name, PipelineStack stack, Template template, Annotations annotations) {
    static final Path MODULE = Path.of("").toAbsolutePath();

    /** The configuration cdk.json gives. */
    static Synthesized defaults() {
        return Holder.DEFAULTS;
    }

    /** Every optional feature on: customer key, prefix, subscriptions with filters, ops emails; logs trimmed. */
    static Synthesized withOptions() {
        return Holder.WITH_OPTIONS;
    }

    /** With options, bound to an account and region as `cdk synth` with credentials does (literal ARNs). */
    static Synthesized inAccount() {
        return Holder.IN_ACCOUNT;
    }

    static final Map<String, Object> OPTIONS = Map.ofEntries(
            Map.entry("kmsKeyArn", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            Map.entry("imagePrefix", "incoming/"),
            Map.entry("notificationEmails", "platform@example.com"),
            Map.entry("subscriptions", """
                    [{"email": "web-team@example.com", "filter": {"status": ["FAILED", "REJECTED"], "team": ["web"]}},
                     {"queueArn": "arn:aws:sqs:eu-west-1:111122223333:ami-builds", "rawMessageDelivery": true,
                      "filter": {"status": ["SUCCEEDED"]}}]"""),
            Map.entry("opsEmails", "ops@example.com"),
            Map.entry("accessLogging", "false"),
            Map.entry("stateMachineLogLevel", "ERROR"),
            Map.entry("logRetentionDays", "30"),
            Map.entry("intakeMaxConcurrency", "10"),
            Map.entry("reconcileIntervalMinutes", "15"),
            Map.entry("defaultBootMode", "uefi"),
            Map.entry("extraTags", "CostCenter=42,Owner=platform"),
            Map.entry("regionKmsKeys", "{\"eu-central-1\": \"arn:aws:kms:eu-central-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab\"}"),
            Map.entry("shareWith", "{\"accounts\": [\"444455556666\"]}"),
            Map.entry("copyToRegions", "eu-central-1"),
            Map.entry("deprecateAfterDays", "365"));

    static Synthesized of(String name, Map<String, Object> overrides) {
        return of(name, overrides, Optional.empty(), Optional.empty());
    }

    static Synthesized of(String name, Map<String, Object> overrides, Optional<String> account, Optional<String> region) {
        App app = app(overrides);
        PipelineStack stack = Vm2amiApp.define(app, account, region, MODULE);
        Annotations annotations = Annotations.fromStack(stack);
        return new Synthesized(name, stack, Template.fromStack(stack), annotations);
    }

    /** An app whose context is cdk.json's plus {@code overrides}. */
    static App app(Map<String, Object> overrides) {
        Map<String, Object> context = new LinkedHashMap<>(cdkJsonContext());
        // cdk synth fails on a cdk-nag error either way; here it should reach NagComplianceTest's assertions
        // (with the finding named) instead of failing the synthesis in every test class.
        context.put("@aws-cdk/core:annotationsInValidationReport", false);
        context.putAll(overrides);
        return App.Builder.create().context(context).build();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(MODULE.resolve("cdk.json").toFile(), Map.class);
            return (Map<String, Object>) cdkJson.get("context");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The synthesized template as plain maps and lists. */
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
        return (Map<String, Object>) template.toJSON();
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Holder {
        static final Synthesized DEFAULTS = of("defaults", Map.of());
        static final Synthesized WITH_OPTIONS = of("with options", OPTIONS);
        static final Synthesized IN_ACCOUNT = of("with options in 111122223333/eu-west-1", OPTIONS,
                Optional.of("111122223333"), Optional.of("eu-west-1"));
    }
}
