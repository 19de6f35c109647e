"""EC2 VM import simulator: ImportImage, DescribeImportImageTasks, ImportSnapshot,
DescribeImportSnapshotTasks, CancelImportTask.

Neither moto nor LocalStack implements VM import, so the local cloud carries this one. It behaves
the way ../shared/reference/ describes AWS:

* a task walks Status=active through the StatusMessage stages of import-stages.json with rising
  Progress and per-stage durations scaled by --time-scale, then becomes `completed` with an ImageId
  and SnapshotDetails; the AMI and its snapshot are registered in moto's EC2, so DescribeImages,
  CreateTags, CopyImage and DeregisterImage work on them;
* it validates the request like AWS (disk containers, format, S3 location, the service role, zero
  size), honours ClientToken, and answers ResourceCountLimitExceeded past the concurrent-task quota;
* images it can recognise as bad fail the way AWS fails them, after the stage AWS fails them in;
* faults AWS shows now and then are injected per object with the S3 object tag `simulate`.

ImportSnapshot tasks (`import-snap-…`) walk the snapshot stages of the same file (pending, validating,
validated, downloading/converting; only the last is documented, the rest assumed) and end `completed`
with a snapshot in moto's EC2 that RegisterImage takes (ec2_fixes). They read the disk as ImportImage
does (the service role, KMS) and fail its format-level checks (a VMDK that is not stream-optimized, a
differencing VHD, content that is not the format) the same way, but not the OS-level ones: a snapshot
is the disk as it is, so a raw disk without a partition table imports, and `unknown-os` does not apply.
OVA is not a snapshot format. The quota counts each kind of task on its own (assumed: the Service
Quotas console lists import image and import snapshot tasks as two quotas).

Every task's history is kept in a record (GET /_vm2ami/simulator) so tests can assert on what
really happened, e.g. that no more than the quota was ever active at once.
"""

import logging
import random
import threading
import time
from datetime import datetime, timezone
from urllib.parse import unquote, urlparse

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response

from . import disk_sniff, iam_enforcement

LOG = logging.getLogger("vm2ami.simulator")

FORMATS = ("OVA", "VHD", "VHDX", "VMDK", "RAW")
SNAPSHOT_FORMATS = ("VHD", "VHDX", "VMDK", "RAW")
IMAGE, SNAPSHOT = "image", "snapshot"
# What a snapshot does not fail for: it copies the disk, whatever is (not) on it.
NOT_FOR_SNAPSHOTS = (disk_sniff.NO_PARTITIONS,)

# Injected faults, chosen per object by the S3 object tag `simulate`.
FAULTS = ("server-error-once", "server-error-always", "stuck-booting", "stuck-converting", "unknown-os", "slow",
          "throttle-describe")
# The stage each kind of task converts in (server errors come there) and where a stuck fault freezes it.
CONVERTING = {IMAGE: "converting", SNAPSHOT: "downloading/converting"}
STUCK = {"stuck-booting": {IMAGE: "booting"},
         "stuck-converting": {IMAGE: "converting", SNAPSHOT: "downloading/converting"}}

SERVER_ERROR = "ServerError: an internal error has occurred during conversion."
UNKNOWN_OS = "ClientError: Unknown OS / Missing OS files."
INVALID_S3_LOCATION = "ClientError: Invalid S3 source location"
CANCELLED_BY_USER = "User initiated task cancellation"
ROLE_INSUFFICIENT = ("ClientError: The service role {role} provided does not exist or does not have sufficient "
                     "permissions for the service to continue")

# Describe calls that name a throttled task fail in runs longer than the SDK's own retries (3 attempts):
# calls 1-3 fail, 4-5 answer, 6-9 fail, ...
THROTTLE_RUN = 6
THROTTLE_FAILURES_PER_RUN = 4

# A cancelled task stays `deleting` for this long (in AWS seconds) before it is `deleted`.
DELETING_SECONDS = 30


class ImportTask:
    """One import task: its request, its fault plan, and where it is in the stage walk."""

    def __init__(self, task_id, request, object_info, fault, failure, stages, time_scale, now, kind=IMAGE):
        self.id = task_id
        self.kind = kind
        self.request = request
        self.object_info = object_info  # (bucket, key, size) or None when the object is missing
        self.fault = fault
        self.failure = failure  # (stage name, message) for a deterministic failure, or None
        self.stages = stages
        self.time_scale = time_scale * (5 if fault == "slow" else 1)
        self.created = now
        self.stage_index = 0
        self.stage_started = now
        self.status = "active"
        self.status_message = stages[0]["name"]
        self.progress = stages[0]["progressFrom"]
        self.image_id = None
        self.snapshot_id = None
        self.ended = None
        self.deleting_since = None
        self.describe_calls = 0
        self.history = [(now, "active", self.status_message)]

    def stage_seconds(self, index):
        return self.stages[index]["seconds"] * self.time_scale

    def set(self, now, status, message):
        if (status, message) != (self.status, self.status_message):
            self.history.append((now, status, message))
        self.status, self.status_message = status, message

    def end(self, now, status, message):
        self.set(now, status, message)
        self.progress = None
        self.ended = now
        LOG.info("%s %s%s", self.id, status, f": {message}" if message else f": {self.image_id} "
                 f"(BootMode {self.request.get('BootMode') or 'legacy-bios'})")


class Simulator:
    def __init__(self, stages, time_scale, quota, snapshot_stages=None):
        self.stages = stages
        self.snapshot_stages = snapshot_stages or stages
        self.time_scale = time_scale
        self.quota = quota
        self.lock = threading.RLock()
        self.tasks = {}  # (account, region) -> {task id: ImportTask}
        self.client_tokens = {}  # (account, region, token) -> task id
        self.max_active = {}  # (account, region) -> most tasks ever active at once
        self.rejected_for_quota = 0
        self._stop = threading.Event()
        self._ticker = None

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self):
        self._ticker = threading.Thread(target=self._tick_forever, name="import-simulator", daemon=True)
        self._ticker.start()

    def stop(self):
        self._stop.set()

    def _tick_forever(self):
        while not self._stop.wait(0.05):
            try:
                self.tick()
            except Exception as e:  # noqa: BLE001 - a bad task must not stop the clock for the others
                print(f"import simulator: tick failed: {e!r}", flush=True)

    def tick(self, now=None):
        now = now or time.time()
        with self.lock:
            for (account, region), tasks in self.tasks.items():
                for task in tasks.values():
                    self._advance(account, region, task, now)

    def _advance(self, account, region, task, now):
        if task.status == "deleting":
            if now - task.deleting_since >= DELETING_SECONDS * task.time_scale:
                task.end(now, "deleted", task.status_message)
            return
        if task.status != "active":
            return
        stage = task.stages[task.stage_index]
        elapsed = now - task.stage_started
        duration = task.stage_seconds(task.stage_index)
        if task.status_message == SERVER_ERROR:
            # AWS leaves the task active with the error for a while, then deletes it.
            if elapsed >= duration:
                task.end(now, "deleted", SERVER_ERROR)
            return
        if task.fault in STUCK and STUCK[task.fault].get(task.kind) == stage["name"]:
            # Frozen until someone cancels the task: in booting at 59% (what the walkthrough's reader saw),
            # in converting half-way through.
            if task.fault == "stuck-booting":
                task.progress = stage["progressTo"]
                return
            if elapsed >= duration / 2:
                return
        if elapsed < duration:
            span = stage["progressTo"] - stage["progressFrom"]
            task.progress = stage["progressFrom"] + int(span * elapsed / duration) if duration else stage["progressTo"]
            return
        # The stage is over: fail here, or move on.
        if task.failure and task.failure[0] == stage["name"]:
            task.end(now, "deleted", task.failure[1])
            return
        if task.fault in ("server-error-once", "server-error-always") and stage["name"] == CONVERTING[task.kind] \
                and not task.request.get("_server_error_spent"):
            task.set(now, "active", SERVER_ERROR)
            task.stage_started = now
            return
        if task.stage_index + 1 < len(task.stages):
            task.stage_index += 1
            task.stage_started = now
            nxt = task.stages[task.stage_index]
            task.progress = nxt["progressFrom"]
            task.set(now, "active", nxt["name"])
            return
        self._complete(account, region, task, now)

    def _complete(self, account, region, task, now):
        if task.kind == SNAPSHOT:
            self._complete_snapshot(account, region, task, now)
            return
        from moto.ec2.models import ec2_backends
        from moto.ec2.models.amis import Ami
        from moto.ec2.utils import random_ami_id

        backend = ec2_backends[account][region]
        ami_id = random_ami_id()
        ami = Ami(backend, ami_id, name=task.id, description=task.request.get("Description") or None,
                  architecture=task.request.get("Architecture") or "x86_64", virtualization_type="hvm",
                  platform=None, root_device_type="ebs", hypervisor="xen",
                  boot_mode=task.request.get("BootMode") or "legacy-bios",
                  region_name=f"{region}a",
                  snapshot_description=f"Created by AWS-VMImport service for {task.id}")
        backend.amis[ami_id] = ami
        task.image_id = ami_id
        task.snapshot_id = ami.ebs_snapshot.id
        task.end(now, "completed", "")

    def _complete_snapshot(self, account, region, task, now):
        """The disk becomes an EBS snapshot of its size in GiB (at least 1), encrypted when asked for."""
        from moto.ec2.models import ec2_backends
        backend = ec2_backends[account][region]
        size = task.request["Disks"][0]["Size"] or 0
        gib = max(1, -(-size // (1024 ** 3)))
        encrypted = task.request["Encrypted"]
        volume = backend.create_volume(size=gib, zone_name=f"{region}a", encrypted=encrypted,
                                       kms_key_id=task.request["KmsKeyId"] if encrypted else None)
        snapshot = backend.create_snapshot(volume.id, f"Created by AWS-VMImport service for {task.id}")
        backend.delete_volume(volume.id)
        task.snapshot_id = snapshot.id
        task.end(now, "completed", "completed")

    # ---- API --------------------------------------------------------------------------------

    def import_image(self, account, region, params):
        containers = params.get("DiskContainers") or []
        if not containers:
            raise EC2ClientError("MissingParameter", "The request must contain the parameter DiskContainers")
        if len(containers) > 21:
            raise EC2ClientError("InvalidParameter",
                                 "A VM import task fails for VMs with more than 21 volumes attached.")
        role = params.get("RoleName") or "vmimport"
        if not _role_exists(account, role) or not iam_enforcement.trusts(account, _role_arn(account, role),
                                                                          "vmie.amazonaws.com"):
            raise EC2ClientError("InvalidParameter",
                                 f"The service role {role} provided does not exist or does not have "
                                 "sufficient permissions")
        disks = []
        for c in containers:
            fmt = (c.get("Format") or "").upper()
            if fmt not in FORMATS:
                raise EC2ClientError("InvalidParameterValue",
                                     f"Invalid value '{c.get('Format')}' for disk-container format. "
                                     f"Supported formats: {', '.join(FORMATS)}")
            bucket, key = _s3_location(c)
            disks.append((fmt, bucket, key))

        with self.lock:
            token = params.get("ClientToken")
            if token and (account, region, token) in self.client_tokens:
                return self._task(account, region, self.client_tokens[(account, region, token)])

            # Zero size is refused at once, before any task exists.
            objects = [_find_object(account, region, bucket, key) for (_, bucket, key) in disks]
            for obj in objects:
                if obj is not None and obj["size"] == 0:
                    raise EC2ClientError("InvalidParameter",
                                         "Parameter disk-image-size=0 has an invalid format")

            self.tick()
            active = self._active_count(account, region, IMAGE)
            if active >= self.quota:
                self.rejected_for_quota += 1
                raise EC2ClientError("ResourceCountLimitExceeded",
                                     f"You have reached the maximum number of active import image tasks "
                                     f"({self.quota}) in this Region. Wait for a task to finish or cancel one.")

            fault = None
            failure = None
            for (fmt, bucket, key), obj in zip(disks, objects):
                if obj is None:
                    failure = failure or ("validating", INVALID_S3_LOCATION)
                    continue
                fault = fault or obj["tags"].get("simulate")
                failure = failure or disk_sniff.expected_failure(fmt, obj["head"], obj["tail"], obj["size"], obj["read"])
            if fault and fault not in FAULTS:
                fault = None
            if fault == "unknown-os" and not failure:
                failure = ("converting", UNKNOWN_OS)
            # EC2 reads the image, and registers the AMI, as the service role: its policies decide.
            failure = _service_role_failure(account, region, role, disks, objects) or failure

            task_id = "import-ami-" + "".join(random.choice("0123456789abcdef") for _ in range(17))
            request = {
                "Description": params.get("Description"),
                "Architecture": params.get("Architecture"),
                "BootMode": params.get("BootMode"),
                "LicenseType": params.get("LicenseType"),
                "UsageOperation": params.get("UsageOperation"),
                "Platform": params.get("Platform"),
                "Encrypted": bool(params.get("Encrypted")),
                "KmsKeyId": params.get("KmsKeyId"),
                "RoleName": role,
                "Tags": _tags_for_import_task(params),
                "Disks": [{"Format": fmt, "S3Bucket": b, "S3Key": k,
                           "Size": (o or {}).get("size")} for (fmt, b, k), o in zip(disks, objects)],
            }
            if fault == "server-error-once" and self._server_error_already_given(account, region, disks):
                request["_server_error_spent"] = True
            task = ImportTask(task_id, request, objects, fault, failure, self.stages, self.time_scale, time.time())
            LOG.info("%s for %s: %s", task_id, ", ".join(f"s3://{b}/{k} ({fmt})" for fmt, b, k in disks),
                     f"will fail in {failure[0]}: {failure[1]}" if failure else
                     f"fault {fault}" if fault else "will import")
            self.tasks.setdefault((account, region), {})[task_id] = task
            if token:
                self.client_tokens[(account, region, token)] = task_id
            now_active = self._active_count(account, region)
            self.max_active[(account, region)] = max(self.max_active.get((account, region), 0), now_active)
            return self._task(account, region, task_id)

    def import_snapshot(self, account, region, params):
        container = params.get("DiskContainer") or {}
        if not container:
            raise EC2ClientError("MissingParameter", "The request must contain the parameter DiskContainer")
        role = params.get("RoleName") or "vmimport"
        if not _role_exists(account, role) or not iam_enforcement.trusts(account, _role_arn(account, role),
                                                                          "vmie.amazonaws.com"):
            raise EC2ClientError("InvalidParameter",
                                 f"The service role {role} provided does not exist or does not have "
                                 "sufficient permissions")
        fmt = (container.get("Format") or "").upper()
        if fmt not in SNAPSHOT_FORMATS:
            raise EC2ClientError("InvalidParameterValue",
                                 f"Invalid value '{container.get('Format')}' for disk-container format. "
                                 f"Supported formats: {', '.join(SNAPSHOT_FORMATS)}")
        bucket, key = _s3_location(container)
        with self.lock:
            token = params.get("ClientToken")
            if token and (account, region, token) in self.client_tokens:
                return self._shape_snapshot(self.tasks[(account, region)][self.client_tokens[(account, region, token)]])
            obj = _find_object(account, region, bucket, key)
            if obj is not None and obj["size"] == 0:
                raise EC2ClientError("InvalidParameter", "Parameter disk-image-size=0 has an invalid format")
            self.tick()
            if self._active_count(account, region, SNAPSHOT) >= self.quota:
                self.rejected_for_quota += 1
                raise EC2ClientError("ResourceCountLimitExceeded",
                                     f"You have reached the maximum number of active import snapshot tasks "
                                     f"({self.quota}) in this Region. Wait for a task to finish or cancel one.")
            fault, failure = None, None
            if obj is None:
                failure = ("validating", INVALID_S3_LOCATION)
            else:
                fault = obj["tags"].get("simulate")
                failure = disk_sniff.expected_failure(fmt, obj["head"], obj["tail"], obj["size"])
                if failure and failure[1] in NOT_FOR_SNAPSHOTS:
                    failure = None
                if failure and failure[0] not in [st["name"] for st in self.snapshot_stages]:
                    failure = (CONVERTING[SNAPSHOT], failure[1])
            if fault not in FAULTS or fault == "unknown-os":
                fault = None
            failure = _service_role_failure(account, region, role, [(fmt, bucket, key)], [obj], register=False) or failure
            task_id = "import-snap-" + "".join(random.choice("0123456789abcdef") for _ in range(17))
            request = {
                "Description": params.get("Description"),
                "DiskDescription": container.get("Description"),
                "Encrypted": bool(params.get("Encrypted")),
                "KmsKeyId": params.get("KmsKeyId"),
                "RoleName": role,
                "Tags": _tags_for_import_task(params, "import-snapshot-task"),
                "Disks": [{"Format": fmt, "S3Bucket": bucket, "S3Key": key, "Size": (obj or {}).get("size")}],
            }
            if fault == "server-error-once" and self._server_error_already_given(account, region, [(fmt, bucket, key)]):
                request["_server_error_spent"] = True
            task = ImportTask(task_id, request, [obj], fault, failure, self.snapshot_stages, self.time_scale, time.time(),
                              kind=SNAPSHOT)
            self.tasks.setdefault((account, region), {})[task_id] = task
            if token:
                self.client_tokens[(account, region, token)] = task_id
            self.max_active[(account, region)] = max(self.max_active.get((account, region), 0),
                                                     self._active_count(account, region))
            return self._shape_snapshot(task)

    def describe_snapshots(self, account, region, params):
        return self.describe(account, region, params, kind=SNAPSHOT)

    def describe(self, account, region, params, kind=IMAGE):
        ids = params.get("ImportTaskIds") or []
        filters = {f["Name"]: f.get("Values", []) for f in (params.get("Filters") or [])}
        with self.lock:
            self.tick()
            tasks = {i: t for i, t in self.tasks.get((account, region), {}).items() if t.kind == kind}
            if ids:
                missing = [i for i in ids if i not in tasks]
                if missing:
                    raise EC2ClientError("InvalidConversionTaskId.Malformed",
                                         f"The import task ID '{missing[0]}' is malformed or does not exist")
                selected = [tasks[i] for i in ids]
            else:
                selected = sorted(tasks.values(), key=lambda t: t.created)
            for task in selected:
                task.describe_calls += 1
            for task in selected:
                # Throttling is about the calls, not the task's state: calls that name the task are
                # refused in runs, from the first call on, whatever its status.
                if ids and task.fault == "throttle-describe" \
                        and task.describe_calls % THROTTLE_RUN < THROTTLE_FAILURES_PER_RUN:
                    raise EC2ClientError("RequestLimitExceeded", "Request limit exceeded.")
            for name, values in filters.items():
                if name == "task-state":
                    selected = [t for t in selected if t.status in values]
                elif name.startswith("tag:"):
                    key = name[4:]
                    selected = [t for t in selected if t.request["Tags"].get(key) in values]
                else:
                    raise EC2ClientError("InvalidParameterValue", f"The filter '{name}' is invalid")
            start = int(params.get("NextToken") or 0)
            limit = int(params.get("MaxResults") or 1000)
            page = selected[start:start + limit]
            result = {"ImportSnapshotTasks": [self._shape_snapshot(t) for t in page]} if kind == SNAPSHOT \
                else {"ImportImageTasks": [self._shape(t) for t in page]}
            if start + limit < len(selected):
                result["NextToken"] = str(start + limit)
            return result

    def cancel(self, account, region, params):
        task_id = params.get("ImportTaskId")
        with self.lock:
            self.tick()
            task = self.tasks.get((account, region), {}).get(task_id)
            if task is None:
                raise EC2ClientError("InvalidConversionTaskId",
                                     f"The import task ID '{task_id}' does not exist")
            if task.status != "active":
                raise EC2ClientError("IncorrectState",
                                     f"The import task {task_id} is in state {task.status} and cannot be cancelled")
            previous = task.status
            task.deleting_since = time.time()
            reason = params.get("CancelReason")
            task.set(task.deleting_since, "deleting", CANCELLED_BY_USER + (f": {reason}" if reason else ""))
            return {"ImportTaskId": task_id, "PreviousState": previous, "State": "deleting"}

    # ---- helpers ----------------------------------------------------------------------------

    def _active_count(self, account, region, kind=None):
        return sum(1 for t in self.tasks.get((account, region), {}).values()
                   if t.status == "active" and (kind is None or t.kind == kind))

    def _server_error_already_given(self, account, region, disks):
        # "once" means per object: a second task for the same object converts cleanly.
        for t in self.tasks.get((account, region), {}).values():
            if t.fault == "server-error-once" and [(d["Format"], d["S3Bucket"], d["S3Key"])
                                                   for d in t.request["Disks"]] == disks:
                return True
        return False

    def _shape_snapshot(self, task):
        r = task.request
        disk = r["Disks"][0]
        detail = {
            "Description": r["DiskDescription"],
            "Format": disk["Format"],
            "UserBucket": {"S3Bucket": disk["S3Bucket"], "S3Key": disk["S3Key"]},
            "Status": task.status,
            "StatusMessage": task.status_message,
            "Encrypted": r["Encrypted"],
            "KmsKeyId": r["KmsKeyId"],
        }
        if disk["Size"] is not None:
            detail["DiskImageSize"] = float(disk["Size"])
        if task.progress is not None:
            detail["Progress"] = str(task.progress)
        if task.status == "completed":
            detail["SnapshotId"] = task.snapshot_id
        shaped = {
            "ImportTaskId": task.id,
            "Description": r["Description"],
            "SnapshotTaskDetail": {k: v for k, v in detail.items() if v is not None},
            "Tags": [{"Key": k, "Value": v} for k, v in r["Tags"].items()],
        }
        return {k: v for k, v in shaped.items() if v is not None}

    def _task(self, account, region, task_id):
        return self._shape(self.tasks[(account, region)][task_id])

    def _shape(self, task):
        r = task.request
        shaped = {
            "ImportTaskId": task.id,
            "Status": task.status,
            "StatusMessage": task.status_message,
            "Description": r["Description"],
            "Architecture": r["Architecture"] or "x86_64",
            "Platform": r["Platform"] or "Linux",
            "LicenseType": r["LicenseType"] or "BYOL",
            "Encrypted": r["Encrypted"],
            "SnapshotDetails": [],
            "Tags": [{"Key": k, "Value": v} for k, v in r["Tags"].items()],
        }
        if r["BootMode"]:
            shaped["BootMode"] = r["BootMode"]
        if r["UsageOperation"]:
            shaped["UsageOperation"] = r["UsageOperation"]
        if r["KmsKeyId"]:
            shaped["KmsKeyId"] = r["KmsKeyId"]
        if task.progress is not None:
            shaped["Progress"] = str(task.progress)
        if task.status == "completed":
            shaped.pop("StatusMessage")
            shaped["ImageId"] = task.image_id
        for i, disk in enumerate(r["Disks"]):
            detail = {
                "DeviceName": "/dev/sda1" if i == 0 else f"/dev/sd{chr(ord('b') + i - 1)}",
                "Format": disk["Format"],
                "UserBucket": {"S3Bucket": disk["S3Bucket"], "S3Key": disk["S3Key"]},
                "Status": task.status,
            }
            if disk["Size"] is not None:
                detail["DiskImageSize"] = float(disk["Size"])
            if task.status == "completed" and i == 0:
                detail["SnapshotId"] = task.snapshot_id
            shaped["SnapshotDetails"].append(detail)
        return {k: v for k, v in shaped.items() if v is not None}

    def record(self):
        """What happened, for tests and benchmarks."""
        with self.lock:
            self.tick()
            out = {"quota": self.quota, "timeScale": self.time_scale,
                   "rejectedForQuota": self.rejected_for_quota, "regions": {}}
            for (account, region), tasks in self.tasks.items():
                out["regions"][f"{account}/{region}"] = {
                    "maxConcurrentActive": _peak(tasks.values()),
                    "maxConcurrentActiveByKind": {k: _peak(tasks.values(), k) for k in (IMAGE, SNAPSHOT)},
                    "tasks": [{
                        "importTaskId": t.id,
                        "kind": t.kind,
                        "status": t.status,
                        "statusMessage": t.status_message,
                        "fault": t.fault,
                        "imageId": t.image_id,
                        "describeCalls": t.describe_calls,
                        "disks": t.request["Disks"],
                        "tags": t.request["Tags"],
                        "history": [{"at": _iso(at), "status": s, "statusMessage": m} for (at, s, m) in t.history],
                    } for t in tasks.values()],
                }
            return out


def _peak(tasks, kind=None):
    """The most tasks (of one kind, or of any) active at the same moment."""
    events = []
    for t in tasks:
        if kind is not None and t.kind != kind:
            continue
        events.append((t.created, +1))
        for (at, status, _) in t.history[1:]:
            if status != "active":
                events.append((at, -1))
                break
    running, peak = 0, 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        running += delta
        peak = max(peak, running)
    return peak


def _iso(ts):
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()


def _role_exists(account, role_name):
    from moto.iam.models import iam_backends
    for partition_backend in iam_backends[account].values():
        try:
            partition_backend.get_role(role_name)
            return True
        except Exception:  # noqa: BLE001 - moto raises its own not-found type
            continue
    return False


def _role_arn(account, role_name):
    return f"arn:aws:iam::{account}:role/{role_name}"


def _service_role_failure(account, region, role, disks, objects, register=True):
    """(stage, message) when the service role may not read an image (or its key) or register the AMI."""
    documents = iam_enforcement.role_policies(account, role)
    wanted = []
    for (_, bucket, key), obj in zip(disks, objects):
        wanted.append(("validating", "s3:GetBucketLocation", f"arn:aws:s3:::{bucket}"))
        wanted.append(("validating", "s3:GetObject", f"arn:aws:s3:::{bucket}/{key}"))
        if obj is not None and obj.get("kmsKeyId"):
            wanted.append(("validating", "kms:Decrypt", obj["kmsKeyId"]))
    if register:
        wanted.append(("preparing ami", "ec2:RegisterImage", f"arn:aws:ec2:{region}::image/*"))
    for stage, action, resource in wanted:
        if iam_enforcement.evaluate(documents, action, resource) != "allow":
            iam_enforcement.record_denial(f"arn:aws:sts::{account}:assumed-role/{role}/AWS-VMImport", action, resource)
            return stage, ROLE_INSUFFICIENT.format(role=role)
    return None


def _s3_location(container):
    bucket = container.get("UserBucket") or {}
    if bucket.get("S3Bucket") and bucket.get("S3Key"):
        return bucket["S3Bucket"], bucket["S3Key"]
    url = container.get("Url")
    if url:
        parsed = urlparse(url)
        if parsed.scheme == "s3":
            return parsed.netloc, unquote(parsed.path.lstrip("/"))
        if parsed.scheme == "https" and ".s3" in parsed.netloc:
            host_bucket = parsed.netloc.split(".s3")[0]
            return host_bucket, unquote(parsed.path.lstrip("/"))
    raise EC2ClientError("InvalidParameter",
                         "Each disk container needs a UserBucket (S3Bucket and S3Key) or an S3 Url")


def _find_object(account, region, bucket, key):
    """Size, first and last bytes, and tags of the S3 object, or None when it is not there."""
    from moto.s3.models import s3_backends
    backend = s3_backends[account]["global"]
    try:
        obj = backend.get_object(bucket, key)
    except Exception:  # noqa: BLE001 - a missing bucket is a missing object here
        return None
    if obj is None:
        return None
    with obj.lock:
        buf = obj._value_buffer
        buf.seek(0)
        head = buf.read(disk_sniff.HEAD_BYTES)
        size = obj.size
        buf.seek(max(0, size - disk_sniff.TAIL_BYTES))
        tail = buf.read(disk_sniff.TAIL_BYTES)
    tags = {t["Key"]: t["Value"] for t in backend.get_object_tagging(obj).get("Tags", [])}

    def read(offset, length):
        """Bytes of the object, as EC2 reads what it imports."""
        with obj.lock:
            buf = obj._value_buffer
            buf.seek(max(0, offset))
            return buf.read(max(0, length))

    kms_key = obj.kms_key_id if getattr(obj, "encryption", None) == "aws:kms" else None
    if kms_key and not kms_key.startswith("arn:"):
        kms_key = f"arn:aws:kms:{region}:{account}:key/{kms_key}"
    return {"bucket": bucket, "key": key, "size": size, "head": head, "tail": tail, "tags": tags,
            "kmsKeyId": kms_key, "read": read}


def _tags_for_import_task(params, resource_type="import-image-task"):
    tags = {}
    for spec in params.get("TagSpecifications") or []:
        if spec.get("ResourceType") in (None, resource_type):
            for tag in spec.get("Tags") or spec.get("Tag") or []:
                tags[tag["Key"]] = tag.get("Value", "")
    return tags


_simulator = None


def install(stages, time_scale, quota, snapshot_stages=None):
    """Adds the five actions to moto's EC2 query API and returns the simulator."""
    global _simulator
    _simulator = Simulator(stages, time_scale, quota, snapshot_stages)

    def import_image(self):
        return ActionResult(_simulator.import_image(self.current_account, self.region, _params(self)))

    def describe_import_image_tasks(self):
        return ActionResult(_simulator.describe(self.current_account, self.region, _params(self)))

    def cancel_import_task(self):
        return ActionResult(_simulator.cancel(self.current_account, self.region, _params(self)))

    def import_snapshot(self):
        return ActionResult(_simulator.import_snapshot(self.current_account, self.region, _params(self)))

    def describe_import_snapshot_tasks(self):
        return ActionResult(_simulator.describe_snapshots(self.current_account, self.region, _params(self)))

    EC2Response.import_snapshot = import_snapshot
    EC2Response.describe_import_snapshot_tasks = describe_import_snapshot_tasks
    EC2Response.import_image = import_image
    EC2Response.describe_import_image_tasks = describe_import_image_tasks
    EC2Response.cancel_import_task = cancel_import_task
    return _simulator


def _params(response):
    names = ["DiskContainers", "RoleName", "ClientToken", "Description", "Architecture", "BootMode",
             "LicenseType", "UsageOperation", "Platform", "Encrypted", "KmsKeyId", "TagSpecifications",
             "ImportTaskIds", "Filters", "NextToken", "MaxResults", "ImportTaskId", "CancelReason", "DiskContainer"]
    return {n: response._get_param(n) for n in names}

