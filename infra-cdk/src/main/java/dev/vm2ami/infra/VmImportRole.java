package dev.vm2ami.infra;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service role VM Import/Export assumes to read the image and register the AMI (ImportImage's
 * RoleName). CloudFormation names it after the stack, so two stacks never share or clash on one
 * {@code vmimport} role. Trust and permissions follow the VM Import/Export user guide ("Required
 * service role"), with resources narrowed to this bucket, this region and the configured key.
 */
final class VmImportRole extends Construct {
    static final String PRINCIPAL = "vmie.amazonaws.com";
    /** Actions on KMS the guide lists, with its wildcards (GenerateDataKey*, ReEncrypt*) spelled out. */
    static final List<String> KMS_ACTIONS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt",
            "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo");

    private final Role role;

    VmImportRole(Construct scope, String id, Arns arns, IBucket bucket, List<String> objectsArns, Optional<String> kmsKeyArn) {
        super(scope, id);
        // The guide's sts:ExternalId "vmimport" belongs to the default role name; the source conditions
        // below are the guard against a confused deputy for a role of any name.
        ServicePrincipal vmie = new ServicePrincipal(PRINCIPAL, ServicePrincipalOpts.builder()
                .conditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount()),
                        "ArnLike", Map.of("aws:SourceArn", arns.vmImportExport())))
                .build());
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(vmie)
                .description("VM Import/Export service role of vm2ami: reads images from the import bucket, registers AMIs")
                .inlinePolicies(Map.of("vmimport", PolicyDocument.Builder.create()
                        .statements(statements(arns, bucket, objectsArns, kmsKeyArn)).build()))
                .build();
    }

    /** @param objectsArns what ImportImage may read: the uploaded images and the converted ones */
    private static List<PolicyStatement> statements(Arns arns, IBucket bucket, List<String> objectsArns, Optional<String> kmsKeyArn) {
        List<PolicyStatement> statements = new ArrayList<>(List.of(
                allow(List.of("s3:GetBucketLocation", "s3:ListBucket"), List.of(bucket.getBucketArn())),
                allow(List.of("s3:GetObject"), objectsArns),
                allow(List.of("ec2:ModifySnapshotAttribute", "ec2:CopySnapshot"), List.of(arns.snapshots())),
                allow(List.of("ec2:RegisterImage"), List.of(arns.images(), arns.snapshots())),
                // Describe* has no resource-level permissions.
                allow(List.of("ec2:Describe*"), List.of("*"))));
        kmsKeyArn.ifPresent(key -> statements.add(allow(KMS_ACTIONS, List.of(key))));
        return statements;
    }

    private static PolicyStatement allow(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().actions(actions).resources(resources).build();
    }

    Role role() {
        return role;
    }
}
