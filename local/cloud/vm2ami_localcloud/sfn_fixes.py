"""Step Functions fixes.

* More than one execution of a state machine: moto's interpreter deep-copies the state machine at
  each StartExecution, and the copy drags along the backend and every execution so far, whose running
  threads hold locks that cannot be copied: the second StartExecution of a state machine fails with
  HTTP 500. The clone needs the definition and configuration only, so copy the state machine without
  its executions and share the backend.
* Service integrations run as the state machine's role: moto's interpreter calls Lambda, SNS and the
  AWS SDK integrations with a fixed unrestricted key. Here each call carries temporary credentials of
  the execution's role (trusting states.amazonaws.com), so the role's policies decide, as on AWS.
* The AWS Batch integration (batch:submitJob.sync) speaks Step Functions' casing: moto's copy of the
  interpreter leaves request and response normalisation empty (LocalStack fills it from the service
  model), so SubmitJob got JobName instead of jobName and the .sync poll looked for JobId in a response
  that says jobId. Here the Batch task maps its parameters onto SubmitJob's input shape and the responses
  (SubmitJob's, DescribeJobs' job: the task's output, or the failure's Cause) onto Step Functions' casing
  (JobId, Status, StartedAt, Container.ExitCode), as AWS does.
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


_operations = {}


def _operation_model(service, action_snake):
    """botocore's model of a service operation by its snake_case name (submit_job), cached."""
    key = (service, action_snake)
    if key not in _operations:
        import botocore.session
        from moto.stepfunctions.parser.utils import camel_to_snake_case
        model = botocore.session.get_session().get_service_model(service)
        _operations[key] = next((model.operation_model(name) for name in model.operation_names
                                 if camel_to_snake_case(name) == action_snake), None)
    return _operations[key]


def _batch_normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    operation = _operation_model(self._get_boto_service_name(boto_service_name),
                                 self._get_boto_service_action(service_action_name))
    if operation is not None:
        self._to_boto_request(parameters, operation.input_shape)


def _batch_normalise_response(self, response, boto_service_name=None, service_action_name=None):
    operation = _operation_model(self._get_boto_service_name(boto_service_name),
                                 self._get_boto_service_action(service_action_name))
    if operation is not None:
        self._from_boto_response(response, operation.output_shape)


def _patch_batch_casing():
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch import \
        StateTaskServiceBatch
    StateTaskServiceBatch._normalise_parameters = _batch_normalise_parameters
    StateTaskServiceBatch._normalise_response = _batch_normalise_response


def install():
    StateMachineInstance.__deepcopy__ = _deepcopy
    _patch_batch_casing()
    if _patch_service_clients() == 0:
        raise RuntimeError("moto's Step Functions interpreter has no boto_client_for to patch: "
                           "this moto version is not the one the extension supports")
