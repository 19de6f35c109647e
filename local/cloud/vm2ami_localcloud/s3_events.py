"""S3 event records as S3 sends them: with the object's versionId and a sequencer.

moto's records carry neither; vm2ami derives one execution per object version from them (and
S3 users rely on the sequencer to order events for one key), so the local cloud adds both.
"""

import itertools
import threading

from moto.s3 import notifications

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


def install():
    notifications._get_s3_event = _get_s3_event
