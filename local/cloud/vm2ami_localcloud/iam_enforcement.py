"""IAM enforcement for roles: what a function, the state machine or the VM Import service may do.

moto can check IAM (its `INITIAL_NO_AUTH_ACTION_COUNT`), but only as all or nothing, it matches every
non-S3 request against the resource `*` (so a policy scoped to an ARN denies everything), and it
treats conditions as met. The local cloud needs something else:

* **callers with temporary credentials** (an STS session token: the functions, the state machine,
  the tests that assume a role) are held to their role's identity policies, inline and attached,
  evaluated here: Allow/Deny, Action/NotAction, Resource/NotResource with `*` and `?`, and the
  conditions this module can fill from the request (see CONDITION_KEYS); a condition on a key
  it cannot fill is not met, as on AWS when the key is absent from the request;
* **everyone else** (any access key without a session token: the user, the CLI, the tests' own
  clients) stays unrestricted, as the README promises.

Each request is checked against the resources AWS checks it against (RESOURCES below), including
the extra authorizations AWS makes: iam:PassRole for ImportImage's RoleName, ec2:CreateTags for
tags on create. Denials answer with each service's own error (EC2 UnauthorizedOperation, S3 and
SNS AccessDenied, Step Functions and Lambda AccessDeniedException) and AWS's message, which names
the action and the resource.

Not modelled (local/README.md says what would catch each on AWS): resource policies (bucket, key,
topic, queue policies), permission boundaries, SCPs, session policies, KMS key policies, and the
condition keys not in CONDITION_KEYS.
"""

import datetime
import fnmatch
import json
import re
import threading

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import JsonRESTError, _RESTError

_lock = threading.Lock()
_denials = []  # (principal ARN, action, resource), newest last, for tests and the control endpoint


class AccessDenied(Exception):
    def __init__(self, principal, action, resource, reason="no identity-based policy allows the {action} action"):
        self.principal, self.action, self.resource = principal, action, resource
        self.reason = reason.format(action=action)
        super().__init__(self.message())

    def message(self):
        return (f"User: {self.principal} is not authorized to perform: {self.action} on resource: "
                f"{self.resource} because {self.reason}")


# ---- the policy evaluator ---------------------------------------------------------------------

def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wildcard(pattern, value, case_sensitive):
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern)


def _matches_action(statement, action):
    if "NotAction" in statement:
        return not any(_wildcard(p, action, False) for p in _as_list(statement["NotAction"]))
    return any(_wildcard(p, action, False) for p in _as_list(statement.get("Action")))


def _matches_resource(statement, resource):
    if "NotResource" in statement:
        return not any(_wildcard(p, resource, True) for p in _as_list(statement["NotResource"]))
    return any(_wildcard(p, resource, True) for p in _as_list(statement.get("Resource")))


def _string_equals(expected, actual):
    return actual == expected


def _string_like(expected, actual):
    return _wildcard(expected, actual, True)


def _bool(expected, actual):
    return str(actual).lower() == str(expected).lower()


_OPERATORS = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (lambda e, a: e.lower() == a.lower(), False),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (_string_equals, False),
    "ArnLike": (_string_like, False),
    "ArnNotEquals": (_string_equals, True),
    "ArnNotLike": (_string_like, True),
    "Bool": (_bool, False),
}


def _condition_met(operator, key, expected_values, context):
    if_exists = operator.endswith("IfExists")
    op = operator[:-len("IfExists")] if if_exists else operator
    if op == "Null":
        want_absent = str(_as_list(expected_values)[0]).lower() == "true"
        return (key not in context) == want_absent
    if op not in _OPERATORS:
        return False  # an operator this evaluator does not know: not met (stricter, never looser)
    if key not in context:
        return if_exists or _OPERATORS[op][1]  # absent key: only negated operators and ...IfExists hold
    compare, negated = _OPERATORS[op]
    actual_values = _as_list(context[key])
    hit = any(compare(str(e), str(a)) for e in _as_list(expected_values) for a in actual_values)
    return not hit if negated else hit


def _conditions_met(statement, context):
    for operator, checks in (statement.get("Condition") or {}).items():
        for key, expected in checks.items():
            # Condition keys are case-insensitive on AWS.
            lowered = {k.lower(): v for k, v in context.items()}
            if not _condition_met(operator, key.lower(), expected, lowered):
                return False
    return True


def evaluate(documents, action, resource, context=None):
    """'allow', 'deny' (an explicit Deny) or 'implicit' (nothing allows it) for one action on one resource."""
    context = context or {}
    allowed = False
    for document in documents:
        policy = json.loads(document) if isinstance(document, str) else document
        for statement in _as_list(policy.get("Statement")):
            if not (_matches_action(statement, action) and _matches_resource(statement, resource)
                    and _conditions_met(statement, context)):
                continue
            if statement.get("Effect") == "Deny":
                return "deny"
            if statement.get("Effect") == "Allow":
                allowed = True
    return "allow" if allowed else "implicit"


def role_policies(account, role_name):
    """Every identity policy of the role: its inline policies and the managed ones attached to it."""
    from moto.iam.models import iam_backends
    documents = []
    for backend in iam_backends[account].values():
        try:
            role = backend.get_role(role_name)
        except Exception:  # noqa: BLE001 - moto raises its own not-found type
            continue
        documents.extend(role.policies.values())
        for managed in role.managed_policies.values():
            version = next(v for v in managed.versions if v.is_default)
            documents.append(version.document)
        break
    return documents


def check(account, role_name, principal, action, resource, context=None):
    """Raises AccessDenied unless the role's policies allow the action on the resource."""
    outcome = evaluate(role_policies(account, role_name), action, resource, context)
    if outcome != "allow":
        with _lock:
            _denials.append((principal, action, resource))
        reason = ("an explicit deny in an identity-based policy" if outcome == "deny"
                  else "no identity-based policy allows the {action} action")
        raise AccessDenied(principal, action, resource, reason)


def record_denial(principal, action, resource):
    with _lock:
        _denials.append((principal, action, resource))


def denials():
    with _lock:
        return [{"principal": p, "action": a, "resource": r} for (p, a, r) in _denials]


# ---- what each request asks for -----------------------------------------------------------------

def _ec2_arn(region, account, kind, rid):
    # Images and snapshots have no account in their ARN (they can be public); tasks do.
    owner = account if kind in ("import-image-task", "import-snapshot-task") else ""
    return f"arn:aws:ec2:{region}:{owner}:{kind}/{rid}"


def _ec2_kind(resource_id):
    for prefix, kind in (("ami-", "image"), ("snap-", "snapshot"), ("import-ami-", "import-image-task"),
                         ("import-snap-", "import-snapshot-task"), ("i-", "instance"), ("vol-", "volume")):
        if resource_id.startswith(prefix):
            return kind
    return "resource"


def _numbered(params, prefix):
    """EC2 query lists: ResourceId.1, ResourceId.2, ..."""
    values = []
    for i in range(1, 1001):
        value = params.get(f"{prefix}.{i}")
        if value is None:
            break
        values.append(value[0] if isinstance(value, list) else value)
    return values


def _tag_specifications(params):
    return any(k.startswith("TagSpecification.") for k in params)


def _request_tags(params):
    """aws:RequestTag/<key> and aws:TagKeys of a CreateTags request (Tag.N.Key, Tag.N.Value)."""
    context, keys = {}, []
    for i in range(1, 1001):
        key = _first(params, f"Tag.{i}.Key")
        if key is None:
            break
        keys.append(key)
        context[f"aws:RequestTag/{key}"] = _first(params, f"Tag.{i}.Value") or ""
    if keys:
        context["aws:TagKeys"] = keys
    return context


def _resource_tags(account, region, resource_id):
    """aws:ResourceTag/<key> (and ec2:ResourceTag/<key>) of an EC2 resource, as EC2 fills them."""
    from moto.ec2.models import ec2_backends
    try:
        tags = dict(ec2_backends[account][region].tags.get(resource_id, {}))
    except Exception:  # noqa: BLE001 - an unknown region or resource has no tags
        tags = {}
    context = {}
    for key, value in tags.items():
        context[f"aws:ResourceTag/{key}"] = value
        context[f"ec2:ResourceTag/{key}"] = value
    return context


def _first(params, name):
    value = params.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def requests_for(service, action, params, region, account, default_resource):
    """[(action, resource, condition context)] that AWS authorizes for one API call."""
    full = f"{service}:{action}"
    if service == "ec2":
        if action == "ImportImage":
            out = [(full, _ec2_arn(region, account, "import-image-task", "*"), {})]
            if _tag_specifications(params):
                out.append(("ec2:CreateTags", _ec2_arn(region, account, "import-image-task", "*"),
                            {"ec2:CreateAction": "ImportImage"}))
            role = _first(params, "RoleName") or "vmimport"
            out.append(("iam:PassRole", f"arn:aws:iam::{account}:role/{role}",
                        {"iam:PassedToService": "vmie.amazonaws.com"}))
            return out
        if action == "ImportSnapshot":
            out = [(full, _ec2_arn(region, account, "import-snapshot-task", "*"), {}),
                   (full, _ec2_arn(region, account, "snapshot", "*"), {})]
            if _tag_specifications(params):
                out.append(("ec2:CreateTags", _ec2_arn(region, account, "import-snapshot-task", "*"),
                            {"ec2:CreateAction": "ImportSnapshot"}))
            role = _first(params, "RoleName") or "vmimport"
            out.append(("iam:PassRole", f"arn:aws:iam::{account}:role/{role}",
                        {"iam:PassedToService": "vmie.amazonaws.com"}))
            return out
        if action == "CancelImportTask":
            task = _first(params, "ImportTaskId") or "*"
            kind = "import-snapshot-task" if task.startswith("import-snap-") else "import-image-task"
            return [(full, _ec2_arn(region, account, kind, task), {})]
        if action == "CopyImage":
            out = [(full, _ec2_arn(region, account, "image", "*"), {}),
                   (full, _ec2_arn(_first(params, "SourceRegion") or region, account, "image",
                                   _first(params, "SourceImageId") or "*"), {})]
            if _tag_specifications(params):
                out.append(("ec2:CreateTags", _ec2_arn(region, account, "image", "*"), {"ec2:CreateAction": "CopyImage"}))
            return out
        if action == "CreateTags" or action == "DeleteTags":
            requested = _request_tags(params)
            return [(full, _ec2_arn(region, account, _ec2_kind(r), r), requested) for r in _numbered(params, "ResourceId")] \
                or [(full, "*", requested)]
        if action in ("ModifyImageAttribute", "EnableImageDeprecation", "DisableImageDeprecation"):
            image = _first(params, "ImageId") or "*"
            return [(full, _ec2_arn(region, account, "image", image), _resource_tags(account, region, image))]
        if action == "ModifySnapshotAttribute":
            snapshot = _first(params, "SnapshotId") or "*"
            return [(full, _ec2_arn(region, account, "snapshot", snapshot), _resource_tags(account, region, snapshot))]
        if action == "DeregisterImage":
            return [(full, _ec2_arn(region, account, "image", _first(params, "ImageId") or "*"), {})]
        if action == "DeleteSnapshot":
            return [(full, _ec2_arn(region, account, "snapshot", _first(params, "SnapshotId") or "*"), {})]
        if action == "RegisterImage":
            out = [(full, _ec2_arn(region, account, "image", "*"), {})]
            for i in range(1, 100):
                snapshot = _first(params, f"BlockDeviceMapping.{i}.Ebs.SnapshotId")
                device = _first(params, f"BlockDeviceMapping.{i}.DeviceName")
                if snapshot:
                    out.append((full, _ec2_arn(region, account, "snapshot", snapshot), {}))
                elif not device:
                    break
            if _tag_specifications(params):
                out.append(("ec2:CreateTags", _ec2_arn(region, account, "image", "*"), {"ec2:CreateAction": "RegisterImage"}))
            return out
        return [(full, "*", {})]  # Describe* and the rest: no resource-level permissions
    if service == "ssm" and action in ("PutParameter", "GetParameter", "DeleteParameter"):
        name = (_first(params, "Name") or "*").lstrip("/")
        return [(full, f"arn:aws:ssm:{region}:{account}:parameter/{name}", {})]
    if service == "states":
        arn = params.get("stateMachineArn") or params.get("executionArn") or default_resource
        return [(full, arn or "*", {})]
    if service == "sns":
        return [(full, _first(params, "TopicArn") or _first(params, "TargetArn") or "*", {})]
    if service == "lambda":
        if action == "Invoke":
            function = _first(params, "FunctionName")
            if function and not function.startswith("arn:"):
                function = f"arn:aws:lambda:{region}:{account}:function:{function}"
            return [("lambda:InvokeFunction", function or "*", {})]
    if service == "events" and action == "PutEvents":
        # Authorized against each entry's event bus (by name or ARN; no name: the default bus).
        entries = params.get("Entries") if isinstance(params.get("Entries"), list) else []
        buses = sorted({(e.get("EventBusName") or "default") for e in entries if isinstance(e, dict)}) or ["default"]
        return [(full, b if b.startswith("arn:") else f"arn:aws:events:{region}:{account}:event-bus/{b}", {})
                for b in buses]
    if service == "batch" and action == "SubmitJob":
        # Authorized against the job queue and the job definition (by ARN, or name[:revision] in this account).
        queue = params.get("jobQueue") or "*"
        if not queue.startswith("arn:"):
            queue = f"arn:aws:batch:{region}:{account}:job-queue/{queue}"
        definition = params.get("jobDefinition") or "*"
        if not definition.startswith("arn:"):
            definition = f"arn:aws:batch:{region}:{account}:job-definition/{definition}"
        return [(full, queue, {}), (full, definition, {})]
    if service == "batch" and action == "TerminateJob":
        return [(full, f"arn:aws:batch:{region}:{account}:job/{params.get('jobId') or '*'}", {})]
    if service == "batch":
        return [(full, "*", {})]  # DescribeJobs, ListJobs: no resource-level permissions
    if service == "sqs":
        url = _first(params, "QueueUrl") or ""
        name = url.rstrip("/").split("/")[-1] if url else _first(params, "QueueName")
        return [(full, f"arn:aws:sqs:{region}:{account}:{name}" if name else "*", {})]
    return [(full, default_resource or "*", {})]


# ---- the hook ------------------------------------------------------------------------------------

_BATCH_ACTIONS = {a.lower(): a for a in (
    "SubmitJob", "DescribeJobs", "ListJobs", "TerminateJob", "CancelJob", "TagResource", "UntagResource",
    "CreateComputeEnvironment", "DescribeComputeEnvironments", "UpdateComputeEnvironment", "DeleteComputeEnvironment",
    "CreateJobQueue", "DescribeJobQueues", "UpdateJobQueue", "DeleteJobQueue", "RegisterJobDefinition",
    "DescribeJobDefinitions", "DeregisterJobDefinition", "ListTagsForResource")}

_S3_VERSIONED = {"GetObject": "GetObjectVersion", "GetObjectTagging": "GetObjectVersionTagging",
                 "PutObjectTagging": "PutObjectVersionTagging", "DeleteObject": "DeleteObjectVersion"}


def _expired(account, access_key_id):
    from moto.sts.models import sts_backends
    for backend in sts_backends[account].values():
        for role in backend.assumed_roles:
            if role.access_key_id == access_key_id:
                return role.expiration < datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return False


def _denied_error(service, denied):
    """The error each service answers a denial with, carrying AWS's message."""
    message = denied.message()
    if service == "ec2":
        return _Forbidden("UnauthorizedOperation", "You are not authorized to perform this operation. " + message)
    if service == "s3":
        from moto.s3.exceptions import S3AccessDeniedError
        return S3AccessDeniedError()  # S3 says only "Access Denied"
    if service in ("states", "lambda", "ssm", "batch"):
        error = JsonRESTError("AccessDeniedException", message)
        error.code = 403 if service in ("lambda", "batch") else 400
        return error
    return _Forbidden("AccessDenied", message)


class _Forbidden(_RESTError):
    """An XML error with HTTP 403, raised where moto expects an HTTPException (its authorization hook)."""
    code = 403


def _session_from_token(account, headers):
    """(role name, principal ARN) of the STS session whose access key and token the request carries."""
    from moto.sts.models import sts_backends
    authorization = headers.get("Authorization") or ""
    key_id = authorization.partition("Credential=")[2].partition("/")[0]
    token = headers.get("X-Amz-Security-Token") or headers.get("x-amz-security-token")
    for backend in sts_backends[account].values():
        for session in backend.assumed_roles:
            if session.access_key_id == key_id and session.session_token == token:
                role_name = session.role_arn.split("/")[-1]
                return role_name, f"arn:aws:sts::{account}:assumed-role/{role_name}/{session.session_name}", key_id
    error = JsonRESTError("UnrecognizedClientException", "The security token included in the request is invalid.")
    error.code = 403
    raise error


def _has_session_token(headers):
    return bool(headers.get("X-Amz-Security-Token") or headers.get("x-amz-security-token"))


def _authorize(self, _iam_request_cls, resource="*"):
    if not _has_session_token(self.headers):
        return  # not an assumed role: the user's own calls stay unrestricted
    account = self.current_account
    # The session token (a secret only the session's holder has) identifies the caller; moto's own
    # signature recomputation is skipped, as it fails for some encoded paths (Lambda's ARNs).
    role_name, principal, key_id = _session_from_token(account, self.headers)
    scope = (self.headers.get("Authorization") or "").partition("Credential=")[2].partition(",")[0].split("/")
    region, service = (scope[2], scope[3]) if len(scope) >= 4 else (self.region, "")
    if _expired(account, key_id):
        if service in ("states", "lambda"):
            raise JsonRESTError("ExpiredTokenException", "The security token included in the request is expired")
        raise _Forbidden("ExpiredToken", "The security token included in the request is expired")
    action = self._get_action()
    action = action[0] if isinstance(action, list) else action
    if service == "batch":
        action = _BATCH_ACTIONS.get(action.lower(), action)  # moto names Batch's actions by their lower-case path
    if service == "s3":
        querystring = getattr(self, "querystring", {}) or {}
        # moto names GET ?tagging&versionId GetObjectVersion (its action map's last match): S3 asks for the tagging permission.
        if "tagging" in querystring and getattr(self, "method", "") == "GET" and action in ("GetObject", "GetObjectVersion"):
            action = "GetObjectTagging"
        if "versionId" in querystring and action in _S3_VERSIONED:
            action = _S3_VERSIONED[action]
        context = {}
        if action == "ListBucket":
            context["s3:prefix"] = (querystring.get("prefix") or [""])[0]
        checks = [(f"s3:{action}", resource, context)]
    elif service == "lambda":
        from urllib.parse import unquote
        path = getattr(self, "path", "") or ""
        function = unquote(path.rsplit("/", 2)[-2]) if "/functions/" in path else ""
        # Lambda authorizes an invoke against the ARN it names: qualified with a version or an alias (in the
        # name, or as ?Qualifier=) it is not covered by the unqualified function's ARN in a policy, as on AWS.
        qualifier = ((getattr(self, "querystring", {}) or {}).get("Qualifier") or [""])[0]
        if function and qualifier and function.count(":") in (0, 6):
            function = f"{function}:{qualifier}"
        checks = requests_for(service, action, {"FunctionName": function}, region, account, resource)
    else:
        params = _flat_params(self)
        checks = requests_for(service, action, params, region, account, resource)
    for (wanted, on, context) in checks:
        try:
            check(account, role_name, principal, wanted, on, context)
        except AccessDenied as denied:
            raise _denied_error(service, denied) from None
    if service == "s3":
        _missing_key_is_403(self, account, role_name, principal, action, resource)


def _missing_key_is_403(response, account, role_name, principal, action, resource):
    """S3 answers 403, not 404, for a key that does not exist when the caller may not list the bucket."""
    if action not in ("GetObject", "GetObjectVersion", "GetObjectTagging", "GetObjectVersionTagging"):
        return
    bucket_and_key = resource.split(":::", 1)[1]
    if "/" not in bucket_and_key:
        return
    bucket, key_name = bucket_and_key.split("/", 1)
    from moto.s3.models import s3_backends
    backend = s3_backends[account]["global"]
    version = ((getattr(response, "querystring", {}) or {}).get("versionId") or [None])[0]
    try:
        found = backend.get_object(bucket, key_name, version_id=version)
    except Exception:  # noqa: BLE001 - a missing bucket or version is a missing object
        found = None
    if found is not None:
        return
    if evaluate(role_policies(account, role_name), "s3:ListBucket", f"arn:aws:s3:::{bucket}") == "allow":
        return  # S3 may then say 404 NoSuchKey
    with _lock:
        _denials.append((principal, f"s3:{action}", resource))
    from moto.s3.exceptions import S3AccessDeniedError
    raise S3AccessDeniedError()


def _flat_params(response):
    """The request's parameters: the query string and form body for query APIs, the JSON body for JSON APIs."""
    params = {}
    for k, v in (getattr(response, "querystring", {}) or {}).items():
        params[k] = v
    body = getattr(response, "body", None)
    if body:
        try:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            if text.lstrip().startswith("{"):
                params.update(json.loads(text))
        except (ValueError, UnicodeDecodeError):
            pass
    return params


_original = None


def install():
    """Replaces moto's all-or-nothing authorization with the role-only enforcement above."""
    global _original
    _original = ActionAuthenticatorMixin._authenticate_and_authorize_action
    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authorize


# ---- services acting as a role -------------------------------------------------------------------

class RoleNotAssumable(Exception):
    pass


SESSION_SECONDS = 3600
RENEW_BEFORE_SECONDS = 900
_sessions = {}  # (account, role ARN, service) -> AssumedRole


def trusts(account, role_arn, service_principal):
    """Does the role's trust policy let the service assume it (sts:AssumeRole, Principal.Service)?"""
    from moto.iam.models import iam_backends
    name = role_arn.split("/")[-1]
    for backend in iam_backends[account].values():
        try:
            role = backend.get_role(name)
        except Exception:  # noqa: BLE001
            continue
        trust = json.loads(role.assume_role_policy_document) if isinstance(role.assume_role_policy_document, str) \
            else role.assume_role_policy_document
        for statement in _as_list(trust.get("Statement")):
            services = _as_list((statement.get("Principal") or {}).get("Service")) \
                if isinstance(statement.get("Principal"), dict) else []
            if statement.get("Effect") == "Allow" and service_principal in services \
                    and any(_wildcard(a, "sts:AssumeRole", False) for a in _as_list(statement.get("Action"))):
                return True
        return False
    return False


def session_for(account, region, role_arn, service_principal, session_name):
    """Temporary credentials of the role for the service, as the service would get them from STS;
    renewed when less than RENEW_BEFORE_SECONDS of validity remain."""
    if not trusts(account, role_arn, service_principal):
        raise RoleNotAssumable(f"{service_principal} cannot assume the role {role_arn}: it does not exist or "
                               f"its trust policy does not allow {service_principal}")
    from moto.sts.models import sts_backends
    key = (account, role_arn, service_principal)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    with _lock:
        session = _sessions.get(key)
        if session is None or (session.expiration - now).total_seconds() < RENEW_BEFORE_SECONDS:
            backend = sts_backends[account]["aws"]
            session = backend.assume_role(region_name=region, role_session_name=session_name[:64],
                                          role_arn=role_arn, policy=None, duration=SESSION_SECONDS, external_id=None)
            _sessions[key] = session
        return session
