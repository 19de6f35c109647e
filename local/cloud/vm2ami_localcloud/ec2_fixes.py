"""EC2 as EC2 answers it, where moto does not.

* CopyImage honours ClientToken: a request repeated with the same token answers the AMI the first one
  created (EC2's idempotency), instead of copying again. moto ignores the token, so a retried finish
  step would leave two AMIs behind locally and one on AWS.
"""

import threading

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.responses import EC2Response

_lock = threading.Lock()
_copies = {}  # (account, region, client token) -> (source image id, name, new image id)


def _copy_image(original):
    def copy_image(self):
        token = self._get_param("ClientToken")
        if not token:
            return original(self)
        key = (self.current_account, self.region, token)
        source, name = self._get_param("SourceImageId"), self._get_param("Name")
        with _lock:
            if key in _copies:
                first_source, first_name, image_id = _copies[key]
                if (first_source, first_name) != (source, name):
                    raise EC2ClientError("IdempotentParameterMismatch",
                                         f"The client token {token} was used with different parameters")
                return ActionResult({"ImageId": image_id})
            result = original(self)
            _copies[key] = (source, name, result.result["ImageId"])
            return result
    return copy_image


def install():
    EC2Response.copy_image = _copy_image(EC2Response.copy_image)
