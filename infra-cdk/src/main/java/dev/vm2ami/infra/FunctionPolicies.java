package dev.vm2ami.infra;

import dev.vm2ami.wiring.ImportEvents;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.PolicyStatement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each function may do, and nothing more. A resource of {@code *} appears only with actions
 * that have no resource-level permissions (EC2's Describe* calls).
 *
 * @param imageObjectsArn  the objects under the image prefix
 * @param convertedObjectsArn the converted images (under the converted prefix), written by the convert function
 * @param kmsKeyArn        the operator's key for the bucket and the AMI snapshots, if any
 * @param vmImportRoleArn  the only role the submit function may pass to EC2
 */
record FunctionPolicies(Arns arns, String bucketArn, String imagePrefix, String imageObjectsArn, String convertedPrefix,
                        String convertedObjectsArn, Optional<String> kmsKeyArn,
                        String vmImportRoleArn, String stateMachineArn, String executionsArn, Map<String, String> regionKmsKeys) {

    /** The tag every AMI and snapshot vm2ami makes carries: distribution changes only images and snapshots that have it. */
    static final String OWN_TAG = "vm2ami:execution";

    /** The actions with no resource-level permissions, allowed on {@code *}. */
    static final List<String> UNSCOPED_ACTIONS = List.of("ec2:DescribeImportImageTasks", "ec2:DescribeImportSnapshotTasks", "ec2:DescribeImages",
            "ec2:DescribeSnapshots");
    /** EC2 needs these on the operator's key to copy an AMI whose snapshots it encrypts (EBS encryption). */
    static final List<String> EBS_KMS_ACTIONS = List.of("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo");

    List<PolicyStatement> statementsFor(PipelineFunction function) {
        List<PolicyStatement> out = new ArrayList<>();
        switch (function) {
            case START -> out.add(allow(List.of("states:StartExecution"), stateMachineArn));
            case INSPECT -> {
                // Reads the image and its sidecar manifest by version, tags included; after a conversion, the
                // converted image and its tags (the converter's figures).
                out.add(allow(List.of("s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging",
                        "s3:GetObjectVersionTagging"), imagesAndConverted()));
                // Without it S3 answers 403 for a sidecar manifest that does not exist; the step then lists exactly
                // that key to tell "none" from "denied". Only keys under the image prefix can be listed.
                out.add(listExactly());
                kmsKeyArn.ifPresent(key -> out.add(viaService(allow(List.of("kms:Decrypt"), key), "s3")));
            }
            case SUBMIT -> {
                // ImportImage creates an import task and, in the end, an image.
                out.add(allow(List.of("ec2:ImportImage"), arns.importImageTasks(), arns.images()));
                out.add(PolicyStatement.Builder.create().actions(List.of("ec2:CreateTags"))
                        .resources(List.of(arns.importImageTasks()))
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "ImportImage"))).build());
                // The snapshot path: ImportSnapshot creates an import task and, in the end, a snapshot.
                out.add(allow(List.of("ec2:ImportSnapshot"), arns.importSnapshotTasks(), arns.snapshots()));
                out.add(PolicyStatement.Builder.create().actions(List.of("ec2:CreateTags"))
                        .resources(List.of(arns.importSnapshotTasks()))
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "ImportSnapshot"))).build());
                out.add(allow(List.of("iam:PassRole"), vmImportRoleArn));
                // ImportImage reads the key's latest version: the step first checks it is the version inspected
                // (HeadObject), listing exactly that key to tell a deleted image from a denied one.
                out.add(allow(List.of("s3:GetObject"), imagesAndConverted()));
                out.add(listExactly());
                out.add(allow(List.of("ec2:DescribeImportImageTasks", "ec2:DescribeImportSnapshotTasks"), "*"));
            }
            case REGISTER -> {
                // RegisterImage from the imported snapshot, tagging the AMI as it is created.
                out.add(allow(List.of("ec2:RegisterImage"), arns.images(), arns.snapshots()));
                out.add(PolicyStatement.Builder.create().actions(List.of("ec2:CreateTags"))
                        .resources(List.of(arns.images()))
                        .conditions(Map.of("StringEquals", Map.of("ec2:CreateAction", "RegisterImage"))).build());
                out.add(allow(List.of("ec2:DescribeImages"), "*"));
            }
            case CONVERT -> {
                // Reads the image by version (a split VMDK's extents beside it, found by HeadObject and an exact listing),
                // writes the converted image by multipart upload with its provenance tags, then adds the figures.
                out.add(allow(List.of("s3:GetObject", "s3:GetObjectVersion"), imageObjectsArn));
                out.add(listExactly());
                out.add(allow(List.of("s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"), convertedObjectsArn));
                kmsKeyArn.ifPresent(key -> out.add(viaService(allow(List.of("kms:Decrypt", "kms:GenerateDataKey"), key), "s3")));
            }
            case CHECK -> {
                out.add(allow(List.of("ec2:DescribeImportImageTasks", "ec2:DescribeImportSnapshotTasks"), "*"));
                // Each stage change of an import, as an event on the default bus (ImportEvents).
                out.add(allow(List.of("events:PutEvents"), arns.eventBus(ImportEvents.EVENT_BUS)));
            }
            case FINISH -> {
                out.add(allow(List.of("ec2:CopyImage", "ec2:CreateTags"), arns.images(), arns.snapshots()));
                out.add(allow(List.of("ec2:DeregisterImage"), arns.images()));
                out.add(allow(List.of("ec2:DeleteSnapshot"), arns.snapshots()));
                out.add(allow(List.of("ec2:DescribeImages", "ec2:DescribeSnapshots"), "*"));
                kmsKeyArn.ifPresent(key -> out.add(viaService(allow(EBS_KMS_ACTIONS, key), "ec2")));
            }
            case DISTRIBUTE -> {
                // Shares, deprecates and sets IMDSv2 only on vm2ami's own images and snapshots (tagged by the finish step).
                out.add(ownOnly(allow(List.of("ec2:ModifyImageAttribute", "ec2:EnableImageDeprecation"), arns.images())));
                out.add(ownOnly(allow(List.of("ec2:ModifySnapshotAttribute"), arns.snapshots())));
                out.add(allow(List.of("ssm:PutParameter"), arns.parameters(false)));
                // SSM checks an aws:ec2:image parameter's AMI id with the caller's permissions.
                out.add(allow(List.of("ec2:DescribeImages"), "*"));
                // The source's fate, by version: tag it, or delete exactly that version (HeadObject for unversioned buckets).
                out.add(allow(List.of("s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging",
                        "s3:PutObjectVersionTagging", "s3:DeleteObject", "s3:DeleteObjectVersion"), imageObjectsArn));
            }
            case COPY -> {
                // The target regions are per image, so images and snapshots in any region; changes only to tagged ones.
                out.add(allow(List.of("ec2:CopyImage"), arns.imagesInAnyRegion()));
                out.add(PolicyStatement.Builder.create().actions(List.of("ec2:CreateTags"))
                        .resources(List.of(arns.imagesInAnyRegion(), arns.snapshotsInAnyRegion()))
                        .conditions(Map.of("Null", Map.of("aws:RequestTag/" + OWN_TAG, "false"))).build());
                out.add(ownOnly(allow(List.of("ec2:ModifyImageAttribute", "ec2:EnableImageDeprecation"), arns.imagesInAnyRegion())));
                out.add(ownOnly(allow(List.of("ec2:ModifySnapshotAttribute"), arns.snapshotsInAnyRegion())));
                out.add(allow(List.of("ec2:DescribeImages"), "*"));
                out.add(allow(List.of("ssm:PutParameter"), arns.parameters(true)));
                // The AMI's own key (its snapshots are read) and each region's key (the copy is written), through EC2 only.
                kmsKeyArn.ifPresent(key -> out.add(viaService(allow(EBS_KMS_ACTIONS, key), "ec2")));
                regionKmsKeys.forEach((region, key) -> out.add(PolicyStatement.Builder.create().actions(EBS_KMS_ACTIONS)
                        .resources(List.of(key))
                        .conditions(Map.of("StringEquals", Map.of("kms:ViaService", "ec2." + region + ".amazonaws.com"))).build()));
            }
            case NOTIFY -> { } // composes a message; Step Functions publishes it
            case RECONCILE -> {
                out.add(allow(List.of("ec2:DescribeImportImageTasks", "ec2:DescribeImportSnapshotTasks"), "*"));
                out.add(allow(List.of("ec2:CancelImportTask"), arns.importImageTasks(), arns.importSnapshotTasks()));
                out.add(allow(List.of("states:ListExecutions", "states:StartExecution"), stateMachineArn));
                out.add(allow(List.of("states:DescribeExecution"), executionsArn));
            }
        }
        return out;
    }

    /** Only resources that carry vm2ami's own tag. */
    private static PolicyStatement ownOnly(PolicyStatement statement) {
        statement.addCondition("Null", Map.of("aws:ResourceTag/" + OWN_TAG, "false"));
        return statement;
    }

    /** The uploaded and the converted images: one ARN when the image prefix holds the converted prefix (the whole bucket, by default). */
    String[] imagesAndConverted() {
        return convertedPrefix.startsWith(imagePrefix) ? new String[] {imageObjectsArn} : new String[] {imageObjectsArn, convertedObjectsArn};
    }

    /** s3:ListBucket on the bucket, for keys under the image prefix and the converted prefix only. */
    private PolicyStatement listExactly() {
        return PolicyStatement.Builder.create().actions(List.of("s3:ListBucket")).resources(List.of(bucketArn))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", convertedPrefix.startsWith(imagePrefix) ? imagePrefix + "*"
                        : List.of(imagePrefix + "*", convertedPrefix + "*")))).build();
    }

    private static PolicyStatement allow(List<String> actions, String... resources) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resources)).build();
    }

    /** The key is used only through the named service in this region. */
    private static PolicyStatement viaService(PolicyStatement statement, String service) {
        statement.addCondition("StringEquals", Map.of("kms:ViaService", service + "." + Aws.REGION + ".amazonaws.com"));
        return statement;
    }
}
