"""The policy evaluator the local cloud enforces roles with (no server needed)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from vm2ami_localcloud.iam_enforcement import evaluate, requests_for  # noqa: E402

BUCKET = "arn:aws:s3:::images"


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource, condition=None):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


class PolicyEvaluationTest(unittest.TestCase):
    def test_allows_an_action_on_a_matching_resource_only(self):
        docs = [policy(allow("s3:GetObject", BUCKET + "/incoming/*"))]
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/incoming/disk.raw"), "allow")
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/other/disk.raw"), "implicit")
        self.assertEqual(evaluate(docs, "s3:PutObject", BUCKET + "/incoming/disk.raw"), "implicit")

    def test_matches_actions_case_insensitively_and_resources_case_sensitively(self):
        docs = [policy(allow("S3:getobject", BUCKET + "/Disk*"))]
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/Disk.raw"), "allow")
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/disk.raw"), "implicit")

    def test_an_explicit_deny_wins_over_any_allow(self):
        docs = [policy(allow("s3:*", "*")),
                policy({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"})]
        self.assertEqual(evaluate(docs, "s3:DeleteObject", BUCKET + "/x"), "deny")
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/x"), "allow")

    def test_not_action_and_not_resource(self):
        docs = [policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": BUCKET + "/secret/*"})]
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/x"), "allow")
        self.assertEqual(evaluate(docs, "iam:PassRole", "*"), "implicit")
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/secret/x"), "implicit")

    def test_a_condition_on_a_key_the_request_does_not_carry_is_not_met(self):
        docs = [policy(allow("ec2:CreateTags", "*", {"StringEquals": {"ec2:CreateAction": "ImportImage"}}))]
        self.assertEqual(evaluate(docs, "ec2:CreateTags", "arn:aws:ec2:us-east-1::image/ami-1"), "implicit")
        self.assertEqual(evaluate(docs, "ec2:CreateTags", "arn:aws:ec2:us-east-1::image/ami-1",
                                  {"ec2:CreateAction": "ImportImage"}), "allow")
        self.assertEqual(evaluate(docs, "ec2:CreateTags", "arn:aws:ec2:us-east-1::image/ami-1",
                                  {"ec2:CreateAction": "CopyImage"}), "implicit")

    def test_string_like_prefix_conditions_and_if_exists(self):
        docs = [policy(allow("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": "incoming/*"}}))]
        self.assertEqual(evaluate(docs, "s3:ListBucket", BUCKET, {"s3:prefix": "incoming/a.raw"}), "allow")
        self.assertEqual(evaluate(docs, "s3:ListBucket", BUCKET, {"s3:prefix": "secret/"}), "implicit")
        self.assertEqual(evaluate(docs, "s3:ListBucket", BUCKET, {}), "implicit")
        if_exists = [policy(allow("s3:ListBucket", BUCKET, {"StringLikeIfExists": {"s3:prefix": "incoming/*"}}))]
        self.assertEqual(evaluate(if_exists, "s3:ListBucket", BUCKET, {}), "allow")

    def test_an_unknown_condition_operator_never_allows(self):
        docs = [policy(allow("s3:GetObject", "*", {"NumericLessThan": {"s3:max-keys": "10"}}))]
        self.assertEqual(evaluate(docs, "s3:GetObject", BUCKET + "/x", {"s3:max-keys": "5"}), "implicit")


class AuthorizedRequestsTest(unittest.TestCase):
    """What AWS checks for one call: the resources, and the extra actions some calls need."""

    def test_import_image_needs_the_task_pass_role_and_create_tags_when_tagging(self):
        params = {"RoleName": ["vm2ami-vmimport"], "TagSpecification.1.ResourceType": ["import-image-task"]}
        wanted = requests_for("ec2", "ImportImage", params, "us-east-1", "123456789012", "*")
        self.assertEqual([w[0] for w in wanted], ["ec2:ImportImage", "ec2:CreateTags", "iam:PassRole"])
        self.assertEqual(wanted[1][2], {"ec2:CreateAction": "ImportImage"})
        self.assertEqual(wanted[2][1], "arn:aws:iam::123456789012:role/vm2ami-vmimport")

    def test_create_tags_is_checked_on_each_resource(self):
        params = {"ResourceId.1": ["ami-1"], "ResourceId.2": ["snap-2"]}
        wanted = requests_for("ec2", "CreateTags", params, "us-east-1", "123456789012", "*")
        self.assertEqual([w[1] for w in wanted],
                         ["arn:aws:ec2:us-east-1::image/ami-1", "arn:aws:ec2:us-east-1::snapshot/snap-2"])

    def test_step_functions_calls_are_checked_on_the_named_state_machine(self):
        arn = "arn:aws:states:us-east-1:123456789012:stateMachine:vm2ami-import-image"
        wanted = requests_for("states", "StartExecution", {"stateMachineArn": arn}, "us-east-1", "123456789012", "*")
        self.assertEqual(wanted, [("states:StartExecution", arn, {})])


if __name__ == "__main__":
    unittest.main()
