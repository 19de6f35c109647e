"""vm2ami's embedded local cloud: moto in server mode plus what moto does not have.

moto provides S3, SQS, SNS, IAM, EC2 images/snapshots/tags, Lambda's control plane and Step
Functions with a real ASL interpreter. This extension adds:

* an EC2 ImportImage simulator (ImportImage, DescribeImportImageTasks, CancelImportTask);
* Lambda invocations that run the project's real Java handlers in a function host (a JVM that
  the local module runs), instead of moto's Docker containers;
* an SQS event source mapping that polls like Lambda does (batches, partial batch responses,
  visibility timeout, redrive to the DLQ) instead of moto's synchronous trigger;
* S3 event records with versionId and sequencer, as S3 sends them;
* Step Functions: a state machine can run more than one execution (moto's copy of it fails once
  one has run), and its service integrations call as the execution's role;
* AWS Batch: a submitted job runs as a local process of the conversion container's entry point (the
  functions artifact's ConvertMain) with the job role's credentials; DescribeJobs follows it;
* IAM enforced for roles: calls with temporary credentials (the functions, the state machine, the
  VM Import service role) are held to the role's policies; S3 answers 403 for a missing key to a
  role that may not list the bucket; CopyImage honours ClientToken.

The moto version is pinned in requirements.txt; vm2ami_localcloud/moto_internals.py lists every
moto internal the extension patches and is checked at start-up.

Started by the Java CLI (`./vm2ami up`) and by the tests; prints one JSON line
{"ready": true, "port": N} on stdout when it serves, and exits when stdin closes (its parent
died) or on SIGTERM/SIGINT.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class _FailedRequestsOnly(logging.Filter):
    """werkzeug logs every request: keep those answered with an error (4xx, 5xx)."""

    def filter(self, record):
        args = record.args if isinstance(record.args, tuple) else ()
        if isinstance(record.msg, str):
            record.msg = record.msg.rstrip("\n")
        return record.levelno > logging.INFO or (len(args) >= 2 and str(args[1])[:1] in ("4", "5"))


class _NoMissingJsonPath(logging.Filter):
    """moto's Step Functions interpreter logs an error for every path a state reads that the job lacks
    (e.g. $.failure before anything failed), which is how the ASL is written: not worth a line."""

    def filter(self, record):
        return "NoSuchJsonPathError" not in record.getMessage()


def _configure_logging():
    """cloud.log (this process's output): the simulator's decisions, requests that failed, errors."""
    logging.basicConfig(stream=sys.stdout, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("vm2ami").setLevel(logging.INFO)
    from werkzeug import serving
    serving._log_add_style = False  # no colour codes in a log file
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.setLevel(logging.INFO)
    werkzeug.addFilter(_FailedRequestsOnly())
    logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").addFilter(_NoMissingJsonPath())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--stages", required=True, help="import-stages.json (the stage model)")
    parser.add_argument("--time-scale", type=float, default=0.003,
                        help="factor applied to AWS stage durations (0.003: a 30-minute import in ~5 s)")
    parser.add_argument("--import-quota", type=int, default=20,
                        help="concurrently active import tasks per region before ResourceCountLimitExceeded")
    parser.add_argument("--function-host", default="",
                        help="URL of the Java function host that runs Lambda handlers")
    parser.add_argument("--batch-java", default="", help="the java that runs AWS Batch jobs (the conversion entry point)")
    parser.add_argument("--batch-classpath", default="", help="the unpacked functions artifact: classes and lib/*")
    parser.add_argument("--batch-main", default="", help="the conversion container's main class")
    parser.add_argument("--batch-logs", default="", help="folder for the jobs' output (batch-jobs/)")
    args = parser.parse_args()

    # AWS managed policies exist, so a template's ManagedPolicyArns attach (and are enforced) as on AWS.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    requirements = os.path.join(HERE, "requirements.txt")
    try:
        import moto  # noqa: F401
        from werkzeug.serving import make_server
    except ImportError as missing:
        print(json.dumps({"ready": False, "error":
                          f"moto is not installed ({missing}). Install it with: "
                          f"python3 -m pip install -r {requirements}"}), flush=True)
        sys.exit(3)
    from vm2ami_localcloud import moto_internals
    problem = moto_internals.check(requirements)
    if problem:
        print(json.dumps({"ready": False, "error": problem}), flush=True)
        sys.exit(3)

    _configure_logging()

    from moto.core.config import default_user_config
    default_user_config["stepfunctions"]["execute_state_machine"] = True

    from vm2ami_localcloud import batch_jobs, control, ec2_fixes, iam_enforcement, import_image, lambda_bridge, \
        s3_events, sfn_fixes

    with open(args.stages, encoding="utf-8") as f:
        model = json.load(f)
    simulator = import_image.install(model["stages"], args.time_scale, args.import_quota, model["snapshotStages"])
    bridge = lambda_bridge.install(args.function_host)
    s3_events.install()
    sfn_fixes.install()
    ec2_fixes.install()
    iam_enforcement.install()
    batch_jobs.install(args.batch_java, args.batch_classpath, args.batch_main, args.batch_logs, "")

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    moto_app = DomainDispatcherApplication(create_backend_app)
    app = control.wrap(moto_app, simulator)

    server = make_server(args.host, args.port, app, threaded=True)
    port = server.server_address[1]
    # The Step Functions interpreter calls other services back on localhost:$MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    os.environ["MOTO_HOST"] = args.host
    batch_jobs.set_endpoint(f"http://{args.host}:{port}")

    stop = threading.Event()

    def shutdown(*_):
        stop.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)

    def watch_parent():
        # stdin closes when the process that started us exits, however it exits.
        try:
            while sys.stdin.read(4096):
                pass
        except Exception:  # noqa: BLE001 - any failure to read means the parent is gone
            pass
        stop.set()

    threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    threading.Thread(target=server.serve_forever, name="moto-server", daemon=True).start()
    simulator.start()
    bridge.start()
    print(json.dumps({"ready": True, "port": port}), flush=True)

    stop.wait()
    bridge.stop()
    simulator.stop()
    server.shutdown()


if __name__ == "__main__":
    main()
