"""S3 event notifications as S3 does them.

* Records carry the object's versionId and a sequencer. moto's carry neither; vm2ami derives one
  execution per object version from them (and S3 users order events for one key by the sequencer).
* Filter rule names are case-insensitive ("Suffix" from the Java SDK, "suffix" from the CLI);
  moto only takes lower case.
"""

import itertools
import threading

import re

from moto.s3 import notifications
from moto.s3.responses import S3Response

_original = notifications._get_s3_event
_sequence = itertools.count(1)
_lock = threading.Lock()


def _get_s3_event(event_name, bucket, key, notification_id):
    event = _original(event_name, bucket, key, notification_id)
    obj = event["Records"][0]["s3"]["object"]
    version_id = getattr(key, "version_id", None)
    if version_id and str(version_id) != "null" and getattr(bucket, "is_versioned", False):
        obj["versionId"] = str(version_id)
    with _lock:
        # S3's sequencer: a hex string that grows for events on the same key.
        obj["sequencer"] = format(next(_sequence), "018X")
    return event


_original_config_from_body = S3Response._notification_config_from_body
_RULE_NAME = re.compile(r"<Name>\s*(Prefix|Suffix)\s*</Name>", re.IGNORECASE)


def _notification_config_from_body(self):
    body = self.body.decode("utf-8") if isinstance(self.body, bytes) else self.body
    self.body = _RULE_NAME.sub(lambda m: f"<Name>{m.group(1).lower()}</Name>", body)
    return _original_config_from_body(self)


def install():
    notifications._get_s3_event = _get_s3_event
    S3Response._notification_config_from_body = _notification_config_from_body
