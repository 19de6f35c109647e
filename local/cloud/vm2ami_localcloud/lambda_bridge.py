"""Lambda invocations run the project's real Java handlers in the function host.

Every Lambda execution in moto (the Invoke API, Step Functions' lambda:invoke, event source
mappings) goes through LambdaFunction._invoke_lambda(event). This module replaces it with a call
to the Java function host, passing the function's name, handler, timeout and the environment it
is configured with; the host runs the handler in a JVM under AWS's own runtime interface client.

It also replaces moto's SQS event source mapping. moto's invokes the function synchronously inside
SendMessage, one message at a time, and drops failed messages back at once. Lambda polls instead:
it receives batches, deletes what the function processed, honours partial batch responses
(ReportBatchItemFailures), leaves failed messages invisible until their visibility timeout ends,
and SQS moves a message to the dead-letter queue after maxReceiveCount receives. So does this.
"""

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.core.exceptions import JsonRESTError

from . import iam_enforcement

_host_url = ""


class TooManyRequests(JsonRESTError):
    """Lambda's throttling answer: Step Functions sees it as Lambda.TooManyRequestsException."""
    code = 429

    def __init__(self, message):
        super().__init__("TooManyRequestsException", message)


def _host_request(fn, event):
    """What the function host needs to run fn: its configuration and its role's credentials."""
    # Lambda gives the function its execution role's temporary credentials, nothing else.
    session = iam_enforcement.session_for(fn.account_id, fn.region, fn.role, "lambda.amazonaws.com", fn.function_name)
    return {
        "credentials": {"accessKeyId": session.access_key_id, "secretAccessKey": session.secret_access_key,
                        "sessionToken": session.session_token,
                        "expiration": session.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "functionName": fn.function_name,
        "functionArn": fn.function_arn,
        "handler": fn.handler,
        "runtime": fn.run_time,
        "timeoutSeconds": int(fn.timeout or 3),
        "memoryMb": int(fn.memory_size or 128),
        "region": fn.region,
        "environment": dict(fn.environment_vars or {}),
        "event": event,
    }


def prepare(account_id, region, names):
    """SnapStart emulation (the host's snapStart option): asks the host to start each named function's
    first execution environment and prime it before any invocation, as publishing a SnapStart version
    does. Answers one result per function."""
    from moto.awslambda.utils import get_backend
    backend = get_backend(account_id, region)

    def one(name):
        try:
            request = _host_request(backend.get_function(name), {})
            http = urllib.request.Request(_host_url.rstrip("/") + "/prepare", data=json.dumps(request).encode("utf-8"),
                                          method="POST", headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(http, timeout=300) as response:
                return json.loads(response.read().decode("utf-8"))
        except Exception as e:  # noqa: BLE001 - one function's failure is reported, the others still prepare
            return {"functionName": name, "prepared": False, "error": repr(e)}

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="prepare") as pool:
        return list(pool.map(one, names))


def _invoke_via_function_host(self, event=None):
    """Replacement for LambdaFunction._invoke_lambda: (payload, errored, logs)."""
    if event is None:
        event = {}
    self.logs_backend.ensure_log_group(self.logs_group_name)
    if not _host_url:
        message = json.dumps({"errorType": "Runtime.Unavailable",
                              "errorMessage": "no function host is attached to this local cloud"})
        return message, True, ""
    try:
        request = _host_request(self, event)
    except iam_enforcement.RoleNotAssumable as e:
        message = json.dumps({"errorType": "Lambda.InvalidRole",
                              "errorMessage": f"The role defined for the function cannot be assumed by Lambda: {e}"})
        return message, True, ""
    body = json.dumps(request).encode("utf-8")
    http = urllib.request.Request(_host_url.rstrip("/") + "/invoke", data=body, method="POST",
                                  headers={"Content-Type": "application/json"})
    try:
        # The host enforces the function's timeout; allow for a cold start and a wait for a free worker.
        with urllib.request.urlopen(http, timeout=request["timeoutSeconds"] + 300) as response:
            result = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        if e.code == 429:
            raise TooManyRequests(json.loads(e.read().decode("utf-8")).get("message", "Rate Exceeded."))
        message = json.dumps({"errorType": "Runtime.Unavailable",
                              "errorMessage": f"function host at {_host_url} answered HTTP {e.code}"})
        return message, True, ""
    except (urllib.error.URLError, OSError, ValueError) as e:
        message = json.dumps({"errorType": "Runtime.Unavailable",
                              "errorMessage": f"function host at {_host_url} did not answer: {e}"})
        return message, True, ""
    logs = result.get("logs") or ""
    if logs:
        self.save_logs(logs)
    return result.get("payload") or "", bool(result.get("error")), logs


def _record(message, queue, region):
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": message.sender_id,
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.group_id:
        attributes["MessageGroupId"] = message.group_id
    if message.deduplication_id:
        attributes["MessageDeduplicationId"] = message.deduplication_id
    message_attributes = {}
    for name, value in (message.message_attributes or {}).items():
        message_attributes[name] = {
            "stringValue": value.get("string_value") or value.get("StringValue"),
            "dataType": value.get("data_type") or value.get("DataType"),
            "stringListValues": [], "binaryListValues": [],
        }
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": hashlib.md5(message.body.encode("utf-8")).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.queue_arn,
        "awsRegion": region,
    }


class EventSourcePoller:
    """Polls SQS queues for every enabled SQS event source mapping, the way Lambda does."""

    def __init__(self):
        self._stop = threading.Event()
        self._threads = {}
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="esm-batch")
        self._lock = threading.Lock()

    def start(self):
        threading.Thread(target=self._discover_forever, name="esm-discovery", daemon=True).start()

    def stop(self):
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _discover_forever(self):
        while not self._stop.wait(0.2):
            try:
                for backend, esm in _sqs_mappings():
                    with self._lock:
                        if esm.uuid not in self._threads:
                            t = threading.Thread(target=self._poll_forever, args=(backend, esm),
                                                 name=f"esm-{esm.uuid[:8]}", daemon=True)
                            self._threads[esm.uuid] = t
                            t.start()
            except Exception as e:  # noqa: BLE001 - discovery retries on the next round
                print(f"event source discovery failed: {e!r}", flush=True)

    def _poll_forever(self, backend, esm):
        from moto.sqs.models import sqs_backends
        sqs = sqs_backends[esm.account_id][esm.region]
        queue_name = esm.event_source_arn.split(":")[-1]
        max_concurrency = int(((esm.scaling_config or {}).get("MaximumConcurrency")) or 2)
        in_flight = threading.Semaphore(max_concurrency)
        while not self._stop.is_set():
            if esm.uuid not in backend._event_source_mappings:
                break  # the mapping was deleted
            if not esm.enabled:
                self._stop.wait(0.5)
                continue
            if not in_flight.acquire(timeout=0.5):
                continue
            try:
                queue = sqs.get_queue(queue_name)
                messages = sqs.receive_message(queue_name, int(esm.batch_size or 10), 1,
                                               int(queue.visibility_timeout), ["All"])
            except Exception as e:  # noqa: BLE001 - e.g. the queue is gone; try again later
                in_flight.release()
                print(f"event source {esm.uuid}: receive failed: {e!r}", flush=True)
                self._stop.wait(1)
                continue
            if not messages:
                in_flight.release()
                continue
            self._pool.submit(self._deliver, sqs, queue, queue_name, esm, messages, in_flight)
        with self._lock:
            self._threads.pop(esm.uuid, None)

    def _deliver(self, sqs, queue, queue_name, esm, messages, in_flight):
        try:
            event = {"Records": [_record(m, queue, esm.region) for m in messages]}
            from moto.awslambda.utils import get_backend
            fn = get_backend(esm.account_id, esm.region).get_function(esm.function_arn)
            payload, errored, _ = fn._invoke_lambda(event)
            if errored:
                # The whole batch returns after its visibility timeout, as on Lambda.
                return
            failed = set()
            if "ReportBatchItemFailures" in (esm.function_response_types or []):
                try:
                    response = json.loads(payload) if payload else {}
                    failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures") or []}
                except (ValueError, TypeError, KeyError):
                    return  # an unreadable batch response fails the whole batch
            for m in messages:
                if m.id not in failed:
                    sqs.delete_message(queue_name, m.receipt_handle)
        except Exception as e:  # noqa: BLE001 - the messages stay in the queue and come back
            print(f"event source {esm.uuid}: delivery failed: {e!r}", flush=True)
        finally:
            in_flight.release()


def _sqs_mappings():
    from moto.awslambda.models import lambda_backends
    for account_backends in list(lambda_backends.values()):
        for backend in list(account_backends.values()):
            for esm in list(backend._event_source_mappings.values()):
                if esm.event_source_arn.split(":")[2] == "sqs":
                    yield backend, esm


_original_create_esm = LambdaBackend.create_event_source_mapping


def _create_event_source_mapping(self, spec):
    esm = _original_create_esm(self, spec)
    # Unhook moto's synchronous trigger: the poller above delivers instead.
    from moto.sqs.models import sqs_backends
    for queue in sqs_backends[self.account_id][self.region_name].queues.values():
        if queue.queue_arn == esm.event_source_arn:
            queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    return esm


def install(host_url):
    global _host_url
    _host_url = host_url
    LambdaFunction._invoke_lambda = _invoke_via_function_host
    LambdaBackend.create_event_source_mapping = _create_event_source_mapping
    return EventSourcePoller()
