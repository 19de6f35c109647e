package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.stack.TemplateDeployer;
import dev.vm2ami.wiring.PipelineFunction;

import java.util.List;
import java.util.Map;

/**
 * What {@link LocalPipeline} deployed into the local cloud: the stack's outputs and names, the
 * schedules its template defines, and the resources of the template it did not create.
 */
public record PipelineResources(String stackName, String bucket, String queueUrl, String deadLetterQueueUrl, String topicArn,
                                String stateMachineArn, String vmimportRoleName, Map<PipelineFunction, String> functionNames,
                                String inboxQueueUrl, List<TemplateDeployer.Schedule> schedules,
                                List<TemplateDeployer.Skipped> skipped) {
    public PipelineResources {
        functionNames = Map.copyOf(functionNames);
        schedules = List.copyOf(schedules);
        skipped = List.copyOf(skipped);
    }
}
