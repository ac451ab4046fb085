"""Referral stages (转办答复): a matter sent to an outside body that must answer in time."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "referral_needs_recipient": (
        "转办须写明送交哪个机构",
        "a referral must name the body it is sent to",
    ),
    "referral_unknown_recipient": (
        "“{to}”不在本步骤可送交的机构之列：{allowed}",
        "'{to}' is not among the bodies this stage may send to: {allowed}",
    ),
    "referral_waiting": (
        "已送交{to}，答复期限 {due}：须先记录其答复，才能再次送交",
        "already sent to {to}, answer due {due}: record its answer before sending again",
    ),
    "referral_not_sent": (
        "“{stage}”尚未送交任何机构，没有可记录的答复",
        "'{stage}' has not been sent to any body yet; there is no answer to record",
    ),
    "referral_needs_document": (
        "答复须写明文书：文号、回执或答复单",
        "an answer needs its document: reference number, receipt or reply form",
    ),
}
