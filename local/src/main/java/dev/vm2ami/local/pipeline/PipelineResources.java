package dev.vm2ami.local.pipeline;

import dev.vm2ami.wiring.PipelineFunction;

import java.util.Map;

/** What {@link LocalPipeline} deployed into the local cloud. */
public record PipelineResources(String bucket, String queueUrl, String deadLetterQueueUrl, String topicArn,
                                String stateMachineArn, String vmimportRoleName, Map<PipelineFunction, String> functionNames,
                                String inboxQueueUrl) {
    public PipelineResources {
        functionNames = Map.copyOf(functionNames);
    }
}
