"""Step Functions fixes.

* More than one execution of a state machine: moto's interpreter deep-copies the state machine at
  each StartExecution, and the copy drags along the backend and every execution so far, whose running
  threads hold locks that cannot be copied: the second StartExecution of a state machine fails with
  HTTP 500. The clone needs the definition and configuration only, so copy the state machine without
  its executions and share the backend.
* Service integrations run as the state machine's role: moto's interpreter calls Lambda, SNS and the
  AWS SDK integrations with a fixed unrestricted key. Here each call carries temporary credentials of
  the execution's role (trusting states.amazonaws.com), so the role's policies decide, as on AWS.
"""

import copy
import importlib
import pkgutil

from moto.stepfunctions.models import StateMachineInstance

from . import iam_enforcement

_SHARED = ("backend",)
_FRESH_LIST = ("executions",)


def _deepcopy(self, memo):
    cls = self.__class__
    clone = cls.__new__(cls)
    memo[id(self)] = clone
    for name, value in self.__dict__.items():
        if name in _SHARED:
            setattr(clone, name, value)
        elif name in _FRESH_LIST:
            setattr(clone, name, [])
        else:
            setattr(clone, name, copy.deepcopy(value, memo))
    return clone


def _boto_client_as_role(region, service, state_credentials=None):
    import boto3
    from botocore.config import Config
    from moto.settings import moto_server_port
    from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds

    role_arn = getattr(state_credentials, "role_arn", None)
    if not role_arn:
        raise iam_enforcement.RoleNotAssumable("the execution has no role")
    account = role_arn.split(":")[4]
    session = iam_enforcement.session_for(account, region, role_arn, "states.amazonaws.com", "vm2ami-states")
    return boto3.client(
        service_name=service, region_name=region,
        aws_access_key_id=session.access_key_id, aws_secret_access_key=session.secret_access_key,
        aws_session_token=session.session_token,
        endpoint_url=f"http://localhost:{moto_server_port()}",
        config=Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1},
                      connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                      read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS))


def _patch_service_clients():
    """Every interpreter module imported boto_client_for by name: replace it in each."""
    import moto.stepfunctions.parser as parser
    patched = 0
    for info in pkgutil.walk_packages(parser.__path__, parser.__name__ + "."):
        if ".asl." not in info.name:
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - optional parts of the interpreter may not import
            continue
        if hasattr(module, "boto_client_for"):
            module.boto_client_for = _boto_client_as_role
            patched += 1
    return patched


def install():
    StateMachineInstance.__deepcopy__ = _deepcopy
    if _patch_service_clients() == 0:
        raise RuntimeError("moto's Step Functions interpreter has no boto_client_for to patch: "
                           "this moto version is not the one the extension supports")
