"""AWS Batch in the local cloud: a submitted job runs as a local process of the conversion entry point,
with the job role's credentials; DescribeJobs reports its end (exit status, the reason from stderr);
SubmitJob is held to the caller's policies; Step Functions' batch:submitJob.sync waits for the job."""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.test_local_cloud import ACCOUNT, CLOUD, REGION, STAGES, policy, trust

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_JAVA = os.path.join(HERE, "fake_java.py")


class BatchJobsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.logs = tempfile.mkdtemp(prefix="vm2ami-batch-test-")
        java = os.path.join(cls.logs, "java")  # this Python (with boto3), whatever PATH the job gets
        with open(java, "w", encoding="utf-8") as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_JAVA}" "$@"\n')
        os.chmod(java, 0o755)
        cls.process = subprocess.Popen(
            [sys.executable, "-u", CLOUD, "--stages", STAGES, "--batch-java", java,
             "--batch-classpath", "unused", "--batch-main", "dev.vm2ami.convert.ConvertMain", "--batch-logs", cls.logs],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        status = json.loads(cls.process.stdout.readline())
        if not status.get("ready"):
            raise RuntimeError(f"the local cloud did not start: {status}")
        cls.endpoint = f"http://127.0.0.1:{status['port']}"
        cls.user = boto3.Session(aws_access_key_id="anything", aws_secret_access_key="anything", region_name=REGION)
        cls.s3 = cls.client("s3")
        cls.iam = cls.client("iam")
        cls.batch = cls.client("batch")
        cls.s3.create_bucket(Bucket="images")
        ec2 = cls.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="jobs", Description="jobs", VpcId=vpc)["GroupId"]
        service_role = cls.iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")["Role"]["Arn"]
        environment = cls.batch.create_compute_environment(
            computeEnvironmentName="convert", type="MANAGED", state="ENABLED", serviceRole=service_role,
            computeResources={"type": "FARGATE", "maxvCpus": 2, "subnets": [subnet], "securityGroupIds": [group]})
        cls.queue = cls.batch.create_job_queue(jobQueueName="convert", state="ENABLED", priority=1, computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}])["jobQueueArn"]
        cls.iam.create_role(RoleName="job", AssumeRolePolicyDocument=trust("ecs-tasks.amazonaws.com"))
        cls.iam.put_role_policy(RoleName="job", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::images/converted/*"}))
        cls.definition = cls.batch.register_job_definition(
            jobDefinitionName="convert", type="container", platformCapabilities=["FARGATE"],
            containerProperties={"image": "convert:latest", "jobRoleArn": f"arn:aws:iam::{ACCOUNT}:role/job",
                                 "resourceRequirements": [{"type": "VCPU", "value": "2"}, {"type": "MEMORY", "value": "4096"}]},
        )["jobDefinitionArn"]

    @classmethod
    def tearDownClass(cls):
        cls.process.stdin.close()
        cls.process.wait(10)
        cls.process.stdout.close()

    @classmethod
    def client(cls, service, session=None):
        return (session or cls.user).client(service, endpoint_url=cls.endpoint, config=Config(retries={"max_attempts": 1}))

    def role_session(self, name, trusted, *statements):
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(trusted))
        self.iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy(*statements))
        creds = self.client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                               RoleSessionName="test")["Credentials"]
        return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                             aws_session_token=creds["SessionToken"], region_name=REGION)

    def ended(self, job_id, limit=30):
        deadline = time.time() + limit
        while time.time() < deadline:
            job = self.batch.describe_jobs(jobs=[job_id])["jobs"][0]
            if job["status"] in ("SUCCEEDED", "FAILED"):
                return job
            time.sleep(0.2)
        self.fail(f"job {job_id} did not end within {limit} s")

    def test_a_job_runs_its_command_as_a_process_with_the_job_roles_credentials(self):
        job = self.batch.submit_job(jobName="convert-web", jobQueue=self.queue, jobDefinition=self.definition,
                                    containerOverrides={"command": ["--from", "s3://images/web.qcow2",
                                                                    "--to", "s3://images/converted/web.qcow2.vmdk"]})
        done = self.ended(job["jobId"])
        self.assertEqual("SUCCEEDED", done["status"])
        self.assertEqual(0, done["container"]["exitCode"])
        self.assertLessEqual(done["startedAt"], done["stoppedAt"])
        body = self.s3.get_object(Bucket="images", Key="converted/web.qcow2.vmdk")["Body"].read().decode()
        self.assertEqual(job["jobId"], body, "the process ran as the job, with AWS_BATCH_JOB_ID")
        with open(os.path.join(self.logs, "batch-jobs", f"convert-web-{job['jobId']}.log"), encoding="utf-8") as log:
            self.assertIn("bytesWritten", log.read())

    def test_the_job_role_decides_what_the_process_may_do(self):
        job = self.batch.submit_job(jobName="convert-elsewhere", jobQueue=self.queue, jobDefinition=self.definition,
                                    containerOverrides={"command": ["--to", "s3://images/elsewhere/web.vmdk"]})
        done = self.ended(job["jobId"])
        self.assertEqual("FAILED", done["status"])
        self.assertIn("AccessDenied", done["container"]["reason"])

    def test_a_failing_process_fails_the_job_with_its_last_stderr_line_and_exit_status(self):
        job = self.batch.submit_job(jobName="convert-bad", jobQueue=self.queue, jobDefinition=self.definition,
                                    containerOverrides={"command": ["--fail"]})
        done = self.ended(job["jobId"])
        self.assertEqual("FAILED", done["status"])
        self.assertEqual("Essential container in task exited", done["statusReason"])
        self.assertEqual(2, done["container"]["exitCode"])
        self.assertEqual("convert: s3://images/bad.qcow2 cannot be converted: The qcow2 image is damaged",
                         done["container"]["reason"])

    def test_submit_job_is_held_to_the_callers_policy_on_the_queue_and_the_definition(self):
        allowed = self.role_session("submitter", "states.amazonaws.com", {
            "Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [self.queue, self.definition]})
        other = self.role_session("other-queue", "states.amazonaws.com", {
            "Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [self.definition]})
        job = self.client("batch", allowed).submit_job(jobName="by-role", jobQueue=self.queue, jobDefinition=self.definition,
                                                       containerOverrides={"command": ["--fail"]})
        self.assertEqual("FAILED", self.ended(job["jobId"])["status"])
        with self.assertRaises(ClientError) as caught:
            self.client("batch", other).submit_job(jobName="denied", jobQueue=self.queue, jobDefinition=self.definition)
        self.assertEqual("AccessDeniedException", caught.exception.response["Error"]["Code"])

    def test_step_functions_waits_for_the_job_and_fails_with_the_job_as_the_cause(self):
        self.iam.create_role(RoleName="machine", AssumeRolePolicyDocument=trust("states.amazonaws.com"))
        self.iam.put_role_policy(RoleName="machine", PolicyName="p", PolicyDocument=policy(
            {"Effect": "Allow", "Action": "batch:SubmitJob", "Resource": [self.queue, self.definition]},
            {"Effect": "Allow", "Action": "batch:DescribeJobs", "Resource": "*"}))
        definition = {"StartAt": "Convert", "States": {"Convert": {
            "Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync",
            "Parameters": {"JobName": "sfn-convert", "JobQueue": self.queue, "JobDefinition": self.definition,
                           "ContainerOverrides": {"Command.$": "$.command"}},
            "ResultSelector": {"jobId.$": "$.JobId", "startedAt.$": "$.StartedAt", "stoppedAt.$": "$.StoppedAt"},
            "End": True}}}
        sfn = self.client("stepfunctions")
        machine = sfn.create_state_machine(name="convert", definition=json.dumps(definition),
                                           roleArn=f"arn:aws:iam::{ACCOUNT}:role/machine")["stateMachineArn"]
        good = sfn.start_execution(stateMachineArn=machine, name="good", input=json.dumps(
            {"command": ["--to", "s3://images/converted/sfn.vmdk"]}))["executionArn"]
        bad = sfn.start_execution(stateMachineArn=machine, name="bad", input=json.dumps({"command": ["--fail"]}))["executionArn"]
        good_end, bad_end = self.execution_end(sfn, good), self.execution_end(sfn, bad)
        self.assertEqual("SUCCEEDED", good_end["status"], good_end)
        output = json.loads(good_end["output"])
        self.assertEqual({"jobId", "startedAt", "stoppedAt"}, set(output))
        self.assertEqual("FAILED", bad_end["status"])
        self.assertEqual("States.TaskFailed", bad_end.get("error"))
        cause = json.loads(bad_end["cause"])
        self.assertEqual("FAILED", cause.get("Status") or cause.get("status"))
        container = cause.get("Container") or cause.get("container")
        self.assertEqual(2, container.get("ExitCode", container.get("exitCode")))

    def execution_end(self, sfn, arn, limit=60):
        deadline = time.time() + limit
        while time.time() < deadline:
            execution = sfn.describe_execution(executionArn=arn)
            if execution["status"] != "RUNNING":
                return execution
            time.sleep(0.3)
        self.fail(f"{arn} did not end within {limit} s")


if __name__ == "__main__":
    unittest.main()
