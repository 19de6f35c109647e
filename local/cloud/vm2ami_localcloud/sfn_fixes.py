"""Step Functions: more than one execution of a state machine.

moto's interpreter deep-copies the state machine at each StartExecution, and the copy drags along
the backend and every execution so far, whose running threads hold locks that cannot be copied:
the second StartExecution of a state machine fails with HTTP 500. The clone needs the definition
and configuration only, so copy the state machine without its executions and share the backend.
"""

import copy

from moto.stepfunctions.models import StateMachineInstance

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


def install():
    StateMachineInstance.__deepcopy__ = _deepcopy
