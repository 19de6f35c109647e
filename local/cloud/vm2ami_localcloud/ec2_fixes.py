"""EC2 as EC2 answers it, where moto does not.

* CopyImage honours ClientToken: a request repeated with the same token answers the AMI the first one
  created (EC2's idempotency), instead of copying again. moto ignores the token, so a retried finish
  step would leave two AMIs behind locally and one on AWS.
* RegisterImage registers what it is asked for: moto's keeps only the name and description. Here it
  checks what EC2 checks for an EBS-backed AMI (a name of 3-128 allowed characters not yet taken by
  the account, a root device in the block-device mapping, its snapshot existing and completed, an
  architecture, boot mode and virtualization type EC2 knows, arm64 with UEFI only, NitroTPM with
  UEFI only) and keeps the architecture, boot mode, root device, the mapping with the snapshot,
  ENA, SR-IOV, IMDS and TPM support and the image's tags, so DescribeImages shows them.
* Opt-in regions the account has not enabled (OPT_IN_REGIONS) refuse EC2 calls with AuthFailure, as AWS
  does: a copy into one of them fails, deterministically, in that region only.
* EnableImageDeprecation (moto has none): the AMI's DeprecationTime, rounded to the minute as EC2 does,
  in the future and at most 10 years ahead; DescribeImages shows it.
* ModifyImageAttribute ImdsSupport=v2.0 (moto ignores it): DescribeImages and DescribeImageAttribute
  imdsSupport show it; as on EC2 it cannot be set back.
* CopyImage keeps the source's BootMode, as EC2 does; moto's copy says uefi whatever the source was.
"""

import datetime
import re

import threading

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response

_lock = threading.Lock()
_copies = {}  # (account, region, client token) -> (source image id, name, new image id)


def _keep_boot_mode(self, result):
    from moto.ec2.models import ec2_backends
    source_region = self._get_param("SourceRegion") or self.region
    source = ec2_backends[self.current_account][source_region].amis.get(self._get_param("SourceImageId"))
    copy = ec2_backends[self.current_account][self.region].amis.get(result.result["ImageId"])
    if source is not None and copy is not None:
        copy.boot_mode = source.boot_mode
    return result


def _copy_image(original):
    def copy_image(self):
        token = self._get_param("ClientToken")
        if not token:
            return _keep_boot_mode(self, original(self))
        key = (self.current_account, self.region, token)
        source, name = self._get_param("SourceImageId"), self._get_param("Name")
        with _lock:
            if key in _copies:
                first_source, first_name, image_id = _copies[key]
                if (first_source, first_name) != (source, name):
                    raise EC2ClientError("IdempotentParameterMismatch",
                                         f"The client token {token} was used with different parameters")
                return ActionResult({"ImageId": image_id})
            result = _keep_boot_mode(self, original(self))
            _copies[key] = (source, name, result.result["ImageId"])
            return result
    return copy_image


_NAME = re.compile(r"^[a-zA-Z0-9()\[\] ./\-'@_]{3,128}$")
ARCHITECTURES = ("i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac")
BOOT_MODES = ("legacy-bios", "uefi", "uefi-preferred")


def _registered_ami_class():
    from moto.ec2.models.amis import Ami

    class RegisteredAmi(Ami):
        """An AMI whose block-device mapping is the one it was registered with."""
        mapping = []

        @property
        def block_device_mappings(self):
            return self.mapping

    return RegisteredAmi


def _flag(value):
    return str(value).lower() == "true" if value is not None else None


def register_image(self):
    from moto.ec2.models import ec2_backends
    backend = ec2_backends[self.current_account][self.region]
    p = lambda name: self._get_param(name)  # noqa: E731 - a short alias for many reads
    name = p("Name")
    if not name:
        raise EC2ClientError("MissingParameter", "The request must contain the parameter name")
    if not _NAME.match(name):
        raise EC2ClientError("InvalidAMIName.Malformed",
                             f"AMI names must be between 3 and 128 characters long, and may contain letters, numbers, "
                             f"'(', ')', '.', '-', '/' and '_': '{name}'")
    for ami in backend.amis.values():
        if ami.name == name and ami.owner_id == self.current_account:
            raise EC2ClientError("InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {ami.id}")
    architecture = p("Architecture") or "x86_64"
    if architecture not in ARCHITECTURES:
        raise EC2ClientError("InvalidParameterValue", f"Value ({architecture}) for parameter architecture is invalid.")
    boot_mode = p("BootMode")
    if boot_mode and boot_mode not in BOOT_MODES:
        raise EC2ClientError("InvalidParameterValue", f"Value ({boot_mode}) for parameter bootMode is invalid.")
    if architecture == "arm64" and boot_mode == "legacy-bios":
        raise EC2ClientError("InvalidParameterCombination", "The arm64 architecture supports the uefi boot mode only.")
    virtualization = p("VirtualizationType") or "paravirtual"
    if virtualization not in ("hvm", "paravirtual"):
        raise EC2ClientError("InvalidParameterValue", f"Value ({virtualization}) for parameter virtualizationType is invalid.")
    tpm = p("TpmSupport")
    if tpm and (boot_mode or ("uefi" if architecture == "arm64" else "legacy-bios")) != "uefi":
        raise EC2ClientError("InvalidParameterCombination", "NitroTPM (TpmSupport) needs the uefi boot mode.")
    root = p("RootDeviceName")
    mappings = p("BlockDeviceMappings") or []
    if not root or not any(m.get("DeviceName") == root for m in mappings):
        raise EC2ClientError("InvalidBlockDeviceMapping",
                             f"The root device name {root} is not in the block-device mapping of the image.")
    shaped = []
    for m in mappings:
        ebs = m.get("Ebs") or {}
        snapshot_id = ebs.get("SnapshotId")
        entry = {"DeviceName": m.get("DeviceName")}
        if snapshot_id:
            snapshot = backend.snapshots.get(snapshot_id)
            if snapshot is None:
                raise EC2ClientError("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
            if getattr(snapshot, "status", "completed") != "completed":
                raise EC2ClientError("IncorrectState", f"Snapshot {snapshot_id} is not completed.")
            entry["Ebs"] = {"SnapshotId": snapshot_id, "VolumeSize": int(ebs.get("VolumeSize") or snapshot.volume.size),
                            "DeleteOnTermination": _flag(ebs.get("DeleteOnTermination")) is not False,
                            "VolumeType": ebs.get("VolumeType") or "gp2", "Encrypted": bool(snapshot.encrypted)}
        elif m.get("DeviceName") == root:
            raise EC2ClientError("InvalidBlockDeviceMapping", f"The root device {root} needs an EBS snapshot.")
        shaped.append(entry)

    from moto.ec2.utils import random_ami_id
    ami_id = random_ami_id()
    ami = _registered_ami_class()(backend, ami_id, name=name, description=p("Description"),
                                  architecture=architecture, virtualization_type=virtualization,
                                  root_device_type="ebs", root_device_name=root, region_name=f"{self.region}a",
                                  boot_mode=boot_mode, hypervisor="xen",
                                  sriov=p("SriovNetSupport"))
    # moto made a snapshot of its own for the AMI; this one maps the snapshot it was given.
    backend.snapshots.pop(ami.ebs_snapshot.id, None)
    ami.ebs_snapshot = backend.snapshots[next(e["Ebs"]["SnapshotId"] for e in shaped if e["DeviceName"] == root)]
    ami.mapping = shaped
    ami.ena_support = _flag(p("EnaSupport"))
    ami.tpm_support = tpm
    ami.imds_support = p("ImdsSupport")
    tags = {}
    for spec in p("TagSpecifications") or []:
        if spec.get("ResourceType") != "image":
            raise EC2ClientError("InvalidParameterValue",
                                 f"'{spec.get('ResourceType')}' is not a valid taggable resource type for this operation.")
        for tag in spec.get("Tags") or spec.get("Tag") or []:
            tags[tag["Key"]] = tag.get("Value", "")
    if tags:
        backend.create_tags([ami_id], tags)
    backend.amis[ami_id] = ami
    return ActionResult({"ImageId": ami_id})


# Regions introduced after March 2019 are opt-in; the local account has enabled none of them.
OPT_IN_REGIONS = frozenset({"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
                            "ap-southeast-5", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2",
                            "il-central-1", "me-central-1", "me-south-1", "mx-central-1"})


def _not_enabled(self):
    if self.region in OPT_IN_REGIONS:
        raise EC2ClientError("AuthFailure", "AWS was not able to validate the provided access credentials")


def _in_enabled_regions(original):
    def call(self):
        _not_enabled(self)
        return original(self)
    return call


def _ami(self, image_id):
    from moto.ec2.exceptions import InvalidAMIIdError
    ami = self.ec2_backend.amis.get(image_id)
    if ami is None:
        raise InvalidAMIIdError([image_id])
    return ami


def enable_image_deprecation(self):
    _not_enabled(self)
    ami = _ami(self, self._get_param("ImageId"))
    raw = self._get_param("DeprecateAt")
    try:
        at = datetime.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise EC2ClientError("InvalidParameterValue", f"Invalid value '{raw}' for DeprecateAt") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    if at <= now or at > now + datetime.timedelta(days=3653):
        raise EC2ClientError("InvalidParameterValue", "The deprecation time must be in the future and within 10 years")
    # EC2 rounds up to the nearest minute (seconds are dropped) and shows it with milliseconds.
    at = at.replace(second=0, microsecond=0)
    ami.deprecation_time = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    from moto.core.responses import ActionResult as _Result
    return _Result({"Return": True})


def _imds_value(self):
    raw = (getattr(self, "querystring", {}) or {}).get("ImdsSupport.Value")
    if raw:
        return raw[0] if isinstance(raw, list) else raw
    param = self._get_param("ImdsSupport")
    return param.get("Value") if isinstance(param, dict) else None


def _modify_image_attribute(original):
    def modify_image_attribute(self):
        _not_enabled(self)
        imds = _imds_value(self)
        if imds is not None:
            ami = _ami(self, self._get_param("ImageId"))
            if imds != "v2.0":
                raise EC2ClientError("InvalidParameterValue", f"Value ({imds}) for parameter imdsSupport is invalid")
            ami.imds_support = "v2.0"
            if not self._get_param("LaunchPermission") and not self._get_param("OperationType"):
                from moto.core.responses import EmptyResult
                return EmptyResult()
        return original(self)
    return modify_image_attribute


def install():
    EC2Response.copy_image = _in_enabled_regions(_copy_image(EC2Response.copy_image))
    EC2Response.register_image = register_image
    EC2Response.describe_images = _in_enabled_regions(EC2Response.describe_images)
    EC2Response.modify_image_attribute = _modify_image_attribute(EC2Response.modify_image_attribute)
    EC2Response.enable_image_deprecation = enable_image_deprecation
    # Images that never had IMDSv2 set show none, as EC2 does; DescribeImageAttribute imdsSupport reads `imds`.
    from moto.ec2.models.amis import Ami
    Ami.imds_support = None
    Ami.imds = property(lambda ami: ami.imds_support)
    Ami.deprecation_time = None
