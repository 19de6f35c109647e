#!/usr/bin/env python3
"""Stands in for `java -cp ... dev.vm2ami.convert.ConvertMain ARGS` in the batch tests: writes --to with the
job role's credentials from the environment (as the converter would), or fails like the converter does."""
import os
import sys

import boto3

args = sys.argv[1:]
args = args[args.index("-cp") + 3:]  # past -cp CLASSPATH MAIN
if args and args[0] == "--fail":
    print('{"error": {"code": "QCOW2_CORRUPT"}}')
    print("convert: s3://images/bad.qcow2 cannot be converted: The qcow2 image is damaged", file=sys.stderr)
    sys.exit(2)
to = args[args.index("--to") + 1][len("s3://"):]
bucket, key = to.split("/", 1)
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=os.environ["AWS_REGION"])
s3.put_object(Bucket=bucket, Key=key, Body=os.environ.get("AWS_BATCH_JOB_ID", "").encode())
print('{"bytesWritten": 1}')
