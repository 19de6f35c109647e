"""AWS Batch jobs run as local processes of the conversion container's entry point.

moto's Batch keeps compute environments, job queues and job definitions as AWS does, and runs a
submitted job's container in Docker. There is no Docker here, and the only container vm2ami defines is
the converter's, built from the functions artifact (ConvertBatch in the CDK app: ENTRYPOINT java -cp
... dev.vm2ami.convert.ConvertMain). So a submitted job runs that same entry point as a local process,
from the unpacked artifact, with the job's command (the state machine's ContainerOverrides.Command):

* with the job role's temporary credentials (a role ecs-tasks.amazonaws.com may assume), and the local
  cloud as AWS_ENDPOINT_URL, so the role's policies decide what the converter may do, as on AWS;
* at most as many at once as the compute environment's maxvCpus allows (vCPUs per job from the job
  definition); the others wait RUNNABLE, as on AWS;
* through SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING to SUCCEEDED (exit status 0) or FAILED with
  statusReason and the container's exitCode and reason (the process's last line on stderr); a job
  that outlives its timeout (attemptDurationSeconds) is killed and FAILED like on AWS.

Each job's output goes to <logs>/batch-jobs/<job name>-<job id>.log.
"""

import datetime
import logging
import os
import subprocess
import threading

from moto.batch.models import Job

from . import iam_enforcement

LOG = logging.getLogger("vm2ami.batch")

_config = {"java": "", "classpath": "", "main": "", "logs": "", "endpoint": ""}
_slots = {}  # compute environment ARN -> semaphore of job slots
_slots_lock = threading.Lock()


def _now():
    return datetime.datetime.now()


def _status_get(self):
    return self._status


def _status_set(self, value):
    self._status = value.value if hasattr(value, "value") else value


def _vcpus(job):
    for requirement in (job.job_definition.container_properties or {}).get("resourceRequirements") or []:
        if str(requirement.get("type", "")).upper() == "VCPU":
            try:
                return max(1.0, float(requirement.get("value")))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def _slots_for(job):
    """The compute environment's capacity in jobs of this size: maxvCpus // vCPUs per job."""
    environments = list(job.job_queue.environments or [])
    env = environments[0] if environments else None
    arn = env.arn if env is not None else "default"
    with _slots_lock:
        if arn not in _slots:
            max_vcpus = 256
            if env is not None and env.compute_resources:
                max_vcpus = int(env.compute_resources.get("maxvCpus") or 256)
            _slots[arn] = threading.BoundedSemaphore(max(1, int(max_vcpus // _vcpus(job))))
        return _slots[arn]


def _environment(job, session):
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": job.job_definition._region,
        "AWS_DEFAULT_REGION": job.job_definition._region,
        "AWS_ENDPOINT_URL": _config["endpoint"],
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }
    for variable in job._get_container_property("environment", []):
        env[variable["name"]] = variable["value"]
    return env


def _fail(job, reason, exit_code=None, container_reason=None):
    job.job_stopped_reason = reason
    job.exit_code = exit_code
    job._container_reason = container_reason
    job._mark_stopped(success=False)
    LOG.info("batch job %s (%s) FAILED: %s", job.job_name, job.job_id, container_reason or reason)


def _run(self):
    """Replacement for Job.run: the job as a local process (see the module's docstring)."""
    self._container_reason = None
    try:
        self.status = "PENDING"
        if self.depends_on and not self._wait_for_dependencies():
            return
        self.status = "RUNNABLE"
        slots = _slots_for(self)
        while not slots.acquire(timeout=0.5):
            if self.stop:
                _fail(self, self.job_stopped_reason or "Terminated")
                return
        try:
            _run_process(self)
        finally:
            slots.release()
    except Exception as e:  # noqa: BLE001 - whatever went wrong, the job must end FAILED with the reason
        LOG.exception("batch job %s could not run", self.job_id)
        _fail(self, f"The local cloud could not run the job: {e}")


def _run_process(job):
    if not (_config["java"] and _config["classpath"] and _config["main"]):
        _fail(job, "CannotStartContainerError: no conversion entry point is attached to this local cloud")
        return
    job.status = "STARTING"
    role = (job.job_definition.container_properties or {}).get("jobRoleArn")
    try:
        session = iam_enforcement.session_for(job.job_definition.backend.account_id, job.job_definition._region, role,
                                              "ecs-tasks.amazonaws.com", f"vm2ami-batch-{job.job_id}")
    except iam_enforcement.RoleNotAssumable as e:
        _fail(job, f"CannotStartContainerError: the job role cannot be assumed: {e}")
        return
    command = job._add_parameters_to_command(job._get_container_property("command", []))
    argv = [_config["java"], "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-cp", _config["classpath"],
            _config["main"], *command]
    log_dir = os.path.join(_config["logs"] or ".", "batch-jobs")
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, f"{job.job_name}-{job.job_id}.log")
    job.job_started_at = _now()
    job._start_attempt()
    job.log_stream_name = f"convert/default/{job.job_id}"
    job.status = "RUNNING"
    LOG.info("batch job %s (%s) RUNNING: %s", job.job_name, job.job_id, " ".join(command))
    timeout = job._get_attempt_duration()
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(argv, env=_environment(job, session), cwd=log_dir, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
        last_error = []

        def pump(stream, name, keep_last):
            for line in stream:
                log.write(f"{name}: {line}")
                log.flush()
                if keep_last and line.strip():
                    last_error[:] = [line.strip()]

        readers = [threading.Thread(target=pump, args=(process.stdout, "stdout", False), daemon=True),
                   threading.Thread(target=pump, args=(process.stderr, "stderr", True), daemon=True)]
        for r in readers:
            r.start()
        deadline = None if not timeout else _now() + datetime.timedelta(seconds=timeout)
        killed_for = None
        while process.poll() is None:
            if job.stop:
                killed_for = job.job_stopped_reason or "Terminated"
            elif deadline is not None and _now() > deadline:
                killed_for = "Job attempt duration exceeded timeout"
            if killed_for:
                process.kill()
                break
            try:
                process.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
        exit_code = process.wait()
        for r in readers:
            r.join(timeout=5)
    if killed_for:
        _fail(job, killed_for, exit_code, killed_for)
    elif exit_code == 0:
        job.exit_code = 0
        job._mark_stopped(success=True)
        LOG.info("batch job %s (%s) SUCCEEDED", job.job_name, job.job_id)
    else:
        reason = last_error[0] if last_error else f"exit status {exit_code}"
        _fail(job, "Essential container in task exited", exit_code, reason[:1024])


_original_container_details = Job._container_details


def _container_details(self):
    details = _original_container_details(self)
    if self.job_stopped and self.exit_code is not None:
        details["exitCode"] = self.exit_code
    if getattr(self, "_container_reason", None):
        details["reason"] = self._container_reason
    return details


def install(java, classpath, main, logs, endpoint):
    """Runs submitted jobs as processes of `java -cp classpath main <command>`."""
    _config.update({"java": java or "", "classpath": classpath or "", "main": main or "", "logs": logs or "",
                    "endpoint": endpoint or ""})
    Job.run = _run
    Job.status = property(_status_get, _status_set)
    Job._container_details = _container_details


def set_endpoint(endpoint):
    _config["endpoint"] = endpoint
