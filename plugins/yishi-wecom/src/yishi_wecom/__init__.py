"""yishi notices in WeCom (企业微信) and DingTalk (钉钉) work groups.

Installed as its own distribution; yishi finds it only through the ``yishi``
entry point (:mod:`yishi_wecom.plugin`) and never imports it.
"""

from yishi_wecom.config import ConfigError, Robot, load
from yishi_wecom.messages import Message, messages, payload, reminders
from yishi_wecom.send import RobotError, Sender

__all__ = [
    "ConfigError",
    "Message",
    "Robot",
    "RobotError",
    "Sender",
    "load",
    "messages",
    "payload",
    "reminders",
]
