"""Every moto internal the extension replaces or calls, in one place.

The extension depends on these names and their behaviour in the pinned moto version
(../requirements.txt). `check()` runs at start-up, so a different moto fails with one clear line
instead of a stack trace in the middle of an import.
"""

import importlib

REQUIREMENTS = "requirements.txt"

# (module, attribute, what the extension does with it, which extension module)
PATCHED = [
    ("moto.core.authorization", "ActionAuthenticatorMixin._authenticate_and_authorize_action",
     "replaced: roles' policies enforced for temporary credentials only", "iam_enforcement"),
    ("moto.awslambda.models", "LambdaFunction._invoke_lambda",
     "replaced: invocations run in the Java function host with the role's credentials", "lambda_bridge"),
    ("moto.awslambda.models", "LambdaBackend.create_event_source_mapping",
     "wrapped: moto's synchronous SQS trigger unhooked; a poller delivers like Lambda", "lambda_bridge"),
    ("moto.ec2.responses", "EC2Response.import_image", "added: the ImportImage simulator", "import_image"),
    ("moto.ec2.responses", "EC2Response.describe_import_image_tasks", "added", "import_image"),
    ("moto.ec2.responses", "EC2Response.cancel_import_task", "added", "import_image"),
    ("moto.ec2.responses", "EC2Response.copy_image",
     "wrapped: ClientToken honoured as EC2 does; AuthFailure in opt-in regions", "ec2_fixes"),
    ("moto.ec2.responses", "EC2Response.describe_images", "wrapped: AuthFailure in opt-in regions", "ec2_fixes"),
    ("moto.ec2.responses", "EC2Response.modify_image_attribute", "wrapped: ImdsSupport v2.0", "ec2_fixes"),
    ("moto.ec2.responses", "EC2Response.enable_image_deprecation", "added: DeprecationTime", "ec2_fixes"),
    ("moto.ec2.responses", "EC2Response.register_image",
     "replaced: EBS-backed registration from a snapshot, checked and kept as EC2 does", "ec2_fixes"),
    ("moto.ec2.responses", "EC2Response.import_snapshot", "added: ImportSnapshot in the simulator", "import_image"),
    ("moto.ec2.responses", "EC2Response.describe_import_snapshot_tasks", "added", "import_image"),
    ("moto.s3.notifications", "_get_s3_event", "wrapped: versionId and sequencer in event records", "s3_events"),
    ("moto.s3.responses", "S3Response._notification_config_from_body",
     "wrapped: filter rule names case-insensitive", "s3_events"),
    ("moto.stepfunctions.models", "StateMachineInstance.__deepcopy__",
     "added: more than one execution per state machine", "sfn_fixes"),
    ("moto.batch.models", "Job.run", "replaced: a job runs as a local process of the conversion entry point", "batch_jobs"),
    ("moto.batch.models", "Job.status", "replaced: set by the process's progress, not by moto's state manager", "batch_jobs"),
    ("moto.batch.models", "Job._container_details", "wrapped: exitCode and reason of the container", "batch_jobs"),
    ("moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch",
     "StateTaskServiceBatch._normalise_parameters", "replaced: SubmitJob's parameters in the API's casing", "sfn_fixes"),
    ("moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch",
     "StateTaskServiceBatch._normalise_response", "replaced: Batch's responses in Step Functions' casing", "sfn_fixes"),
    ("moto.stepfunctions.parser.asl.utils.boto_client", "boto_client_for",
     "replaced in every interpreter module: integrations call as the execution's role", "sfn_fixes"),
]

# Read, not replaced: the backends and models the extension looks into.
USED = [
    ("moto.iam.models", "iam_backends"), ("moto.sts.models", "sts_backends"),
    ("moto.s3.models", "s3_backends"), ("moto.ec2.models", "ec2_backends"),
    ("moto.ec2.models.amis", "Ami"), ("moto.ec2.utils", "random_ami_id"), ("moto.awslambda.models", "lambda_backends"),
    ("moto.sqs.models", "sqs_backends"), ("moto.ec2.exceptions", "EC2ClientError"),
    ("moto.core.exceptions", "JsonRESTError"), ("moto.core.exceptions", "_RESTError"),
    ("moto.s3.exceptions", "S3AccessDeniedError"), ("moto.stepfunctions.parser.utils", "camel_to_snake_case"),
    ("moto.batch.models", "Job._mark_stopped"), ("moto.batch.models", "Job._start_attempt"),
    ("moto.batch.models", "Job._get_container_property"), ("moto.batch.models", "Job._add_parameters_to_command"),
    ("moto.batch.models", "Job._get_attempt_duration"), ("moto.batch.models", "Job._wait_for_dependencies"),
]


def pinned_version(requirements_path):
    with open(requirements_path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line.startswith("moto") and "==" in line:
                return line.split("==", 1)[1].strip()
    raise ValueError(f"{requirements_path} pins no moto version")


def _resolve(module, dotted):
    target = importlib.import_module(module)
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def check(requirements_path):
    """None when the installed moto is the pinned one and has every internal; else one line saying what is wrong."""
    import moto
    wanted = pinned_version(requirements_path)
    if moto.__version__ != wanted:
        return (f"moto {moto.__version__} is installed, but the local cloud needs moto {wanted} "
                f"(it patches moto internals): python3 -m pip install -r {requirements_path}")
    missing = []
    for module, dotted, *_ in PATCHED:
        if dotted.endswith(("import_image", "describe_import_image_tasks", "cancel_import_task", "import_snapshot",
                            "describe_import_snapshot_tasks", "__deepcopy__", "enable_image_deprecation")):
            continue  # added by the extension, not expected in moto
        try:
            _resolve(module, dotted)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{dotted}")
    for module, dotted in USED:
        try:
            _resolve(module, dotted)
        except (ImportError, AttributeError):
            missing.append(f"{module}.{dotted}")
    if missing:
        return f"moto {moto.__version__} lacks what the local cloud patches: {', '.join(missing)}"
    return None
