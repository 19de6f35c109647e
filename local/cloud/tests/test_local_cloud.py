"""The extension in a running local cloud, through boto3: roles held to their policies, the user not;
S3's 403 for a missing key; the VM Import role deciding what EC2 reads; CopyImage's ClientToken."""

import json
import os
import subprocess
import sys
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
CLOUD = os.path.join(HERE, "..", "vm2ami_cloud.py")
STAGES = os.path.join(HERE, "..", "..", "..", "functions", "src", "main", "resources", "dev", "vm2ami",
                      "importtask", "import-stages.json")
ACCOUNT = "123456789012"
REGION = "us-east-1"


def trust(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def raw_disk(file_system=True):
    mbr = bytearray(1024 * 1024)
    mbr[446 + 4] = 0x83  # one Linux partition, from sector 1
    mbr[446 + 8] = 1
    mbr[510:512] = b"\x55\xaa"
    if file_system:
        mbr[512 + 1080:512 + 1082] = b"\x53\xef"  # an ext superblock's magic
    return bytes(mbr)


class LocalCloudTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.process = subprocess.Popen(
            [sys.executable, "-u", CLOUD, "--stages", STAGES, "--time-scale", "0.0005"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = cls.process.stdout.readline()
        status = json.loads(line)
        if not status.get("ready"):
            raise RuntimeError(f"the local cloud did not start: {line}")
        cls.endpoint = f"http://127.0.0.1:{status['port']}"
        cls.user = boto3.Session(aws_access_key_id="anything", aws_secret_access_key="anything", region_name=REGION)
        cls.s3 = cls.client("s3")
        cls.iam = cls.client("iam")
        cls.s3.create_bucket(Bucket="images")
        cls.s3.put_object(Bucket="images", Key="disk.raw", Body=raw_disk())

    @classmethod
    def tearDownClass(cls):
        cls.process.stdin.close()
        cls.process.wait(10)
        cls.process.stdout.close()

    @classmethod
    def client(cls, service, session=None):
        return (session or cls.user).client(service, endpoint_url=cls.endpoint,
                                            config=Config(retries={"max_attempts": 1}))

    def role_session(self, name, trusted, *statements):
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(trusted))
        if statements:
            self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy(*statements))
        creds = self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                               RoleSessionName="test")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGION)

    def error_code(self, call):
        with self.assertRaises(ClientError) as caught:
            call()
        return caught.exception.response["Error"]["Code"]

    def test_the_users_own_key_is_unrestricted(self):
        self.client("s3").put_object(Bucket="images", Key="by-user.txt", Body=b"x")
        self.client("ec2").describe_images(Owners=["self"])

    def test_a_role_may_do_what_its_policy_allows_and_nothing_else(self):
        session = self.role_session("reader", "lambda.amazonaws.com",
                                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::images/*"})
        s3 = self.client("s3", session)
        self.assertEqual(s3.get_object(Bucket="images", Key="disk.raw")["ContentLength"], 1024 * 1024)
        self.assertEqual(self.error_code(lambda: s3.put_object(Bucket="images", Key="new.raw", Body=b"x")),
                         "AccessDenied")
        ec2 = self.client("ec2", session)
        self.assertEqual(self.error_code(lambda: ec2.describe_images(Owners=["self"])), "UnauthorizedOperation")
        denials = json.loads(__import__("urllib.request").request.urlopen(self.endpoint + "/_vm2ami/denials").read())
        self.assertIn({"principal": f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/test", "action": "ec2:DescribeImages",
                       "resource": "*"}, denials["denials"])

    def test_a_missing_key_is_403_without_list_bucket_and_404_with_it(self):
        get_only = self.role_session("no-list", "lambda.amazonaws.com",
                                     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::images/*"})
        s3 = self.client("s3", get_only)
        self.assertEqual(self.error_code(lambda: s3.get_object(Bucket="images", Key="missing.json")), "AccessDenied")
        self.assertEqual(self.error_code(lambda: s3.head_object(Bucket="images", Key="missing.json")), "403")
        with_list = self.role_session("with-list", "lambda.amazonaws.com",
                                      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::images/*"},
                                      {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::images"})
        s3 = self.client("s3", with_list)
        self.assertEqual(self.error_code(lambda: s3.get_object(Bucket="images", Key="missing.json")), "NoSuchKey")

    def test_list_bucket_scoped_by_prefix_is_enforced_on_the_prefix(self):
        session = self.role_session("lister", "lambda.amazonaws.com",
                                    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::images",
                                     "Condition": {"StringLike": {"s3:prefix": "disk*"}}})
        s3 = self.client("s3", session)
        self.assertEqual(s3.list_objects_v2(Bucket="images", Prefix="disk.raw")["KeyCount"], 1)
        self.assertEqual(self.error_code(lambda: s3.list_objects_v2(Bucket="images", Prefix="other")), "AccessDenied")

    def test_import_image_needs_pass_role_on_the_service_role(self):
        self.iam.create_role(RoleName="svc", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
        session = self.role_session("submitter", "lambda.amazonaws.com",
                                    {"Effect": "Allow", "Action": "ec2:ImportImage", "Resource": "*"})
        ec2 = self.client("ec2", session)
        containers = [{"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}}]
        self.assertEqual(self.error_code(lambda: ec2.import_image(RoleName="svc", DiskContainers=containers)),
                         "UnauthorizedOperation")

    def test_the_service_role_without_s3_access_fails_the_task_like_ec2(self):
        self.iam.create_role(RoleName="svc-no-s3", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
        self.iam.put_role_policy(RoleName="svc-no-s3", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "ec2:RegisterImage", "Resource": "*"}))
        ec2 = self.client("ec2")
        task = ec2.import_image(RoleName="svc-no-s3", DiskContainers=[
            {"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}}])["ImportTaskId"]
        final = self.wait_for_end(ec2, task)
        self.assertEqual(final["Status"], "deleted")
        self.assertEqual(final["StatusMessage"], "ClientError: The service role svc-no-s3 provided does not exist "
                                                 "or does not have sufficient permissions for the service to continue")

    def test_a_service_role_that_vm_import_may_not_assume_is_refused_at_once(self):
        self.iam.create_role(RoleName="svc-wrong-trust", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))
        ec2 = self.client("ec2")
        self.assertEqual(self.error_code(lambda: ec2.import_image(RoleName="svc-wrong-trust", DiskContainers=[
            {"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}}])), "InvalidParameter")

    def test_the_service_role_with_s3_access_imports(self):
        self.iam.create_role(RoleName="svc-ok", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
        self.iam.put_role_policy(RoleName="svc-ok", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::images*"},
            {"Effect": "Allow", "Action": "ec2:RegisterImage", "Resource": "*"}))
        ec2 = self.client("ec2")
        task = ec2.import_image(RoleName="svc-ok", DiskContainers=[
            {"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}}])["ImportTaskId"]
        self.assertEqual(self.wait_for_end(ec2, task)["Status"], "completed")

    def test_a_disk_without_a_file_system_ec2_reads_fails_with_unknown_os(self):
        self.s3.put_object(Bucket="images", Key="no-fs.raw", Body=raw_disk(file_system=False))
        ec2 = self.client("ec2")
        self.iam.create_role(RoleName="svc-nofs", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
        self.iam.put_role_policy(RoleName="svc-nofs", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::images*"},
            {"Effect": "Allow", "Action": "ec2:RegisterImage", "Resource": "*"}))
        task = ec2.import_image(RoleName="svc-nofs", DiskContainers=[
            {"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "no-fs.raw"}}])["ImportTaskId"]
        final = self.wait_for_end(ec2, task)
        self.assertEqual(final["Status"], "deleted")
        self.assertEqual(final["StatusMessage"], "ClientError: Unknown OS / Missing OS files.")

    def test_an_ami_and_its_copy_have_the_boot_mode_the_import_asked_for(self):
        self.iam.create_role(RoleName="svc-uefi", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
        self.iam.put_role_policy(RoleName="svc-uefi", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::images*"},
            {"Effect": "Allow", "Action": "ec2:RegisterImage", "Resource": "*"}))
        ec2 = self.client("ec2")
        for mode in ("legacy-bios", "uefi"):
            task = ec2.import_image(RoleName="svc-uefi", BootMode=mode, DiskContainers=[
                {"Format": "raw", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}}])["ImportTaskId"]
            image_id = self.wait_for_end(ec2, task)["ImageId"]
            copy_id = ec2.copy_image(SourceImageId=image_id, SourceRegion=REGION, Name=f"copy-{mode}",
                                     ClientToken=f"boot-{mode}")["ImageId"]
            images = ec2.describe_images(ImageIds=[image_id, copy_id])["Images"]
            self.assertEqual([i["BootMode"] for i in images], [mode, mode])

    def test_copy_image_with_the_same_client_token_copies_once(self):
        ec2 = self.client("ec2")
        source = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        first = ec2.copy_image(SourceImageId=source, SourceRegion=REGION, Name="copy-once", ClientToken="t-1")
        again = ec2.copy_image(SourceImageId=source, SourceRegion=REGION, Name="copy-once", ClientToken="t-1")
        self.assertEqual(first["ImageId"], again["ImageId"])
        named = ec2.describe_images(Filters=[{"Name": "name", "Values": ["copy-once"]}])["Images"]
        self.assertEqual(len(named), 1)
        self.assertEqual(self.error_code(lambda: ec2.copy_image(SourceImageId=source, SourceRegion=REGION,
                                                                Name="other-name", ClientToken="t-1")),
                         "IdempotentParameterMismatch")

    def snapshot_role(self):
        try:
            self.iam.create_role(RoleName="svc-snap", AssumeRolePolicyDocument=trust("vmie.amazonaws.com"))
            self.iam.put_role_policy(RoleName="svc-snap", PolicyName="p", PolicyDocument=policy(
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::images*"}))
        except ClientError:
            pass  # made by an earlier test
        return "svc-snap"

    def wait_for_snapshot(self, ec2, task_id, until=("completed", "deleted")):
        deadline = time.time() + 60
        seen = []
        while time.time() < deadline:
            detail = ec2.describe_import_snapshot_tasks(ImportTaskIds=[task_id])["ImportSnapshotTasks"][0]["SnapshotTaskDetail"]
            if detail.get("StatusMessage") and detail["StatusMessage"] not in seen:
                seen.append(detail["StatusMessage"])
            if detail["Status"] in until:
                return detail, seen
            time.sleep(0.05)
        self.fail(f"{task_id} did not end within 60 s")

    def test_import_snapshot_walks_its_stages_to_a_snapshot_that_register_image_takes(self):
        ec2 = self.client("ec2")
        task = ec2.import_snapshot(RoleName=self.snapshot_role(), Description="arm64 disk", ClientToken="snap-1",
                                   DiskContainer={"Format": "RAW", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}},
                                   TagSpecifications=[{"ResourceType": "import-snapshot-task",
                                                       "Tags": [{"Key": "vm2ami:execution", "Value": "e-1"}]}])
        self.assertTrue(task["ImportTaskId"].startswith("import-snap-"))
        again = ec2.import_snapshot(RoleName="svc-snap", ClientToken="snap-1",
                                    DiskContainer={"Format": "RAW", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}})
        self.assertEqual(again["ImportTaskId"], task["ImportTaskId"])
        detail, seen = self.wait_for_snapshot(ec2, task["ImportTaskId"])
        self.assertEqual(detail["Status"], "completed")
        self.assertIn("downloading/converting", seen)
        self.assertEqual(ec2.describe_import_snapshot_tasks(ImportTaskIds=[task["ImportTaskId"]])["ImportSnapshotTasks"][0]
                         ["Tags"], [{"Key": "vm2ami:execution", "Value": "e-1"}])
        snapshot = detail["SnapshotId"]
        self.assertEqual(ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["State"], "completed")

        image = ec2.register_image(Name="graviton-web", Architecture="arm64", BootMode="uefi", EnaSupport=True,
                                   VirtualizationType="hvm", RootDeviceName="/dev/xvda", SriovNetSupport="simple",
                                   ImdsSupport="v2.0", TagSpecifications=[{"ResourceType": "image",
                                                                          "Tags": [{"Key": "Name", "Value": "graviton-web"}]}],
                                   BlockDeviceMappings=[{"DeviceName": "/dev/xvda",
                                                         "Ebs": {"SnapshotId": snapshot, "VolumeType": "gp3"}}])["ImageId"]
        ami = ec2.describe_images(ImageIds=[image])["Images"][0]
        self.assertEqual((ami["Architecture"], ami["BootMode"], ami["EnaSupport"], ami["RootDeviceName"], ami["ImdsSupport"]),
                         ("arm64", "uefi", True, "/dev/xvda", "v2.0"))
        self.assertEqual(ami["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"], snapshot)
        self.assertEqual(ami["Tags"], [{"Key": "Name", "Value": "graviton-web"}])

    def test_register_image_refuses_what_ec2_refuses(self):
        ec2 = self.client("ec2")
        task = ec2.import_snapshot(RoleName=self.snapshot_role(),
                                   DiskContainer={"Format": "RAW", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}})
        snapshot = self.wait_for_snapshot(ec2, task["ImportTaskId"])[0]["SnapshotId"]
        mapping = [{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}]
        self.assertEqual(self.error_code(lambda: ec2.register_image(
            Name="arm-bios", Architecture="arm64", BootMode="legacy-bios", RootDeviceName="/dev/xvda",
            BlockDeviceMappings=mapping)), "InvalidParameterCombination")
        self.assertEqual(self.error_code(lambda: ec2.register_image(
            Name="no-root", RootDeviceName="/dev/sda1", BlockDeviceMappings=mapping)), "InvalidBlockDeviceMapping")
        self.assertEqual(self.error_code(lambda: ec2.register_image(
            Name="no-snap", RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": "snap-0123456789abcdef0"}}])),
            "InvalidSnapshot.NotFound")
        self.assertEqual(self.error_code(lambda: ec2.register_image(
            Name="tpm-bios", BootMode="legacy-bios", TpmSupport="v2.0", RootDeviceName="/dev/xvda",
            BlockDeviceMappings=mapping)), "InvalidParameterCombination")
        ec2.register_image(Name="taken-name", RootDeviceName="/dev/xvda", BlockDeviceMappings=mapping)
        self.assertEqual(self.error_code(lambda: ec2.register_image(
            Name="taken-name", RootDeviceName="/dev/xvda", BlockDeviceMappings=mapping)), "InvalidAMIName.Duplicate")

    def test_import_snapshot_takes_a_disk_without_partitions_but_not_an_ova(self):
        ec2 = self.client("ec2")
        self.s3.put_object(Bucket="images", Key="blank.raw", Body=bytes(1024 * 1024))
        task = ec2.import_snapshot(RoleName=self.snapshot_role(),
                                   DiskContainer={"Format": "RAW", "UserBucket": {"S3Bucket": "images", "S3Key": "blank.raw"}})
        self.assertEqual(self.wait_for_snapshot(ec2, task["ImportTaskId"])[0]["Status"], "completed")
        self.assertEqual(self.error_code(lambda: ec2.import_snapshot(RoleName="svc-snap", DiskContainer={
            "Format": "OVA", "UserBucket": {"S3Bucket": "images", "S3Key": "disk.raw"}})), "InvalidParameterValue")
        self.assertEqual(ec2.describe_import_image_tasks(Filters=[{"Name": "task-state", "Values": ["active"]}])
                         ["ImportImageTasks"], [], "snapshot tasks are not image tasks")

    def test_a_stuck_snapshot_task_stays_until_cancelled(self):
        ec2 = self.client("ec2")
        self.s3.put_object(Bucket="images", Key="stuck.raw", Body=raw_disk(), Tagging="simulate=stuck-converting")
        task = ec2.import_snapshot(RoleName=self.snapshot_role(),
                                   DiskContainer={"Format": "RAW", "UserBucket": {"S3Bucket": "images", "S3Key": "stuck.raw"}})
        task_id = task["ImportTaskId"]
        deadline = time.time() + 30
        while time.time() < deadline:
            detail = ec2.describe_import_snapshot_tasks(ImportTaskIds=[task_id])["ImportSnapshotTasks"][0]["SnapshotTaskDetail"]
            if detail.get("StatusMessage") == "downloading/converting":
                break
            time.sleep(0.05)
        time.sleep(1.5)  # several times the whole stage model at this time scale
        detail = ec2.describe_import_snapshot_tasks(ImportTaskIds=[task_id])["ImportSnapshotTasks"][0]["SnapshotTaskDetail"]
        self.assertEqual((detail["Status"], detail["StatusMessage"]), ("active", "downloading/converting"))
        self.assertEqual(ec2.cancel_import_task(ImportTaskId=task_id, CancelReason="stuck")["State"], "deleting")
        self.assertEqual(self.wait_for_snapshot(ec2, task_id)[0]["Status"], "deleted")

    @staticmethod
    def an_image(ec2, name):
        """An AMI of the account: a copy of one of moto's Amazon images."""
        source = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        return ec2.copy_image(SourceImageId=source, SourceRegion=REGION, Name=name)["ImageId"]

    def test_distribution_attributes_are_answered_as_ec2_does(self):
        ec2 = self.client("ec2")
        image = self.an_image(ec2, "to-distribute")
        ec2.modify_image_attribute(ImageId=image, ImdsSupport={"Value": "v2.0"})
        ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [
            {"UserId": "111122223333"}, {"OrganizationArn": "arn:aws:organizations::111122223333:organization/o-abcde12345"}]})
        import datetime
        when = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=90)).replace(second=30, microsecond=0)
        at = ec2.enable_image_deprecation(ImageId=image, DeprecateAt=when)
        self.assertTrue(at["Return"])
        shown = ec2.describe_images(ImageIds=[image])["Images"][0]
        self.assertEqual(shown["ImdsSupport"], "v2.0")
        self.assertEqual(shown["DeprecationTime"], when.strftime("%Y-%m-%dT%H:%M:00.000Z"))
        self.assertEqual(ec2.describe_image_attribute(ImageId=image, Attribute="imdsSupport")["ImdsSupport"]["Value"], "v2.0")
        self.assertEqual(len(ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")["LaunchPermissions"]), 2)
        snapshot = shown["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
        ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add",
                                      UserIds=["111122223333"])
        self.assertEqual(ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")
                         ["CreateVolumePermissions"], [{"UserId": "111122223333"}])
        self.assertEqual(self.error_code(lambda: ec2.enable_image_deprecation(
            ImageId=image, DeprecateAt="2001-01-01T00:00:00Z")), "InvalidParameterValue")
        self.assertEqual(self.error_code(lambda: ec2.modify_image_attribute(ImageId=image, ImdsSupport={"Value": "v1.0"})),
                         "InvalidParameterValue")

    def test_regions_are_apart_and_an_opt_in_region_refuses_a_copy(self):
        home = self.client("ec2")
        image = self.an_image(home, "to-copy")
        eu = self.user.client("ec2", region_name="eu-west-1", endpoint_url=self.endpoint)
        copy = eu.copy_image(SourceImageId=image, SourceRegion=REGION, Name="to-copy", ClientToken="c-1")["ImageId"]
        self.assertEqual(eu.describe_images(ImageIds=[copy])["Images"][0]["Name"], "to-copy")
        self.assertEqual(home.describe_images(Filters=[{"Name": "image-id", "Values": [copy]}])["Images"], [])
        hk = self.user.client("ec2", region_name="ap-east-1", endpoint_url=self.endpoint)
        self.assertEqual(self.error_code(lambda: hk.copy_image(SourceImageId=image, SourceRegion=REGION, Name="to-copy")),
                         "AuthFailure")

    def test_changes_to_images_are_held_to_the_resource_tag_condition(self):
        own = {"Null": {"aws:ResourceTag/vm2ami:execution": "false"}}
        session = self.role_session("distributor", "lambda.amazonaws.com",
                                    {"Effect": "Allow", "Action": ["ec2:ModifyImageAttribute", "ec2:EnableImageDeprecation"],
                                     "Resource": "arn:aws:ec2:*::image/*", "Condition": own},
                                    {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "arn:aws:ec2:*::image/*",
                                     "Condition": {"Null": {"aws:RequestTag/vm2ami:execution": "false"}}},
                                    {"Effect": "Allow", "Action": "ssm:PutParameter",
                                     "Resource": f"arn:aws:ssm:*:{ACCOUNT}:parameter/images/*"})
        user = self.client("ec2")
        theirs = self.an_image(user, "not-ours")
        ours = self.an_image(user, "ours")
        ec2 = self.client("ec2", session)
        self.assertEqual(self.error_code(lambda: ec2.create_tags(Resources=[ours], Tags=[{"Key": "Name", "Value": "x"}])),
                         "UnauthorizedOperation")
        ec2.create_tags(Resources=[ours], Tags=[{"Key": "vm2ami:execution", "Value": "e-1"}])
        ec2.modify_image_attribute(ImageId=ours, ImdsSupport={"Value": "v2.0"})
        self.assertEqual(self.error_code(lambda: ec2.modify_image_attribute(ImageId=theirs, ImdsSupport={"Value": "v2.0"})),
                         "UnauthorizedOperation")
        ssm = self.client("ssm", session)
        ssm.put_parameter(Name="/images/web/latest", Value=ours, Type="String", DataType="aws:ec2:image", Overwrite=True)
        self.assertEqual(self.error_code(lambda: ssm.put_parameter(Name="/other/web", Value=ours, Type="String")),
                         "AccessDeniedException")

    def wait_for_end(self, ec2, task_id):
        deadline = time.time() + 60
        while time.time() < deadline:
            task = ec2.describe_import_image_tasks(ImportTaskIds=[task_id])["ImportImageTasks"][0]
            if task["Status"] in ("completed", "deleted"):
                return task
            time.sleep(0.2)
        self.fail(f"{task_id} did not end within 60 s")


class MotoPinTest(unittest.TestCase):
    def test_the_installed_moto_is_the_pinned_one_with_every_patched_internal(self):
        sys.path.insert(0, os.path.join(HERE, ".."))
        from vm2ami_localcloud import moto_internals
        self.assertIsNone(moto_internals.check(os.path.join(HERE, "..", "requirements.txt")))

    def test_another_moto_version_is_named_in_one_line(self):
        sys.path.insert(0, os.path.join(HERE, ".."))
        from vm2ami_localcloud import moto_internals
        pinned = os.path.join(HERE, "wrong-requirements.txt")
        with open(pinned, "w", encoding="utf-8") as f:
            f.write("moto[server]==4.0.0\n")
        try:
            message = moto_internals.check(pinned)
        finally:
            os.remove(pinned)
        self.assertIn("the local cloud needs moto 4.0.0", message)
        self.assertNotIn("\n", message)


if __name__ == "__main__":
    unittest.main()
