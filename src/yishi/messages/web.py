"""The HTTP API and the pages."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "web_expected": ("{field}：应为 {expected}", "{field}: expected {expected}"),
    "web_missing_field": ("{field}：必须填写", "{field}: required"),
    "web_unknown_field": (
        "{field}：没有这一项（可用：{allowed}）",
        "{field}: no such field (known: {allowed})",
    ),
    "web_server_field": (
        "{field}：由服务器按登录身份填写，不能在请求中给出",
        "{field}: set by the server from who is signed in; do not send it",
    ),
    "web_bad_text": (
        "{field}：含有无法保存的字符（空字符或不成对的代理字符）",
        "{field}: holds characters that cannot be stored (NUL or a lone surrogate)",
    ),
    "web_too_long": ("{field}：太长（上限 {limit}）", "{field}: too long (limit {limit})"),
    "web_bad_form": ("表单格式不正确：{detail}", "malformed form: {detail}"),
    "web_bad_json": ("请求不是有效的 JSON", "the request body is not valid JSON"),
    "web_sign_in": ("请先登录或提供访问令牌", "sign in or give an API token"),
    "web_role_required": (
        "您的身份不能进行此操作（需要：{roles}）",
        "your role may not do this (needs: {roles})",
    ),
    "web_not_by_portal": (
        "此操作须本人登录后进行，不能经门户代为提交",
        "this must be done signed in in person, not through a portal",
    ),
    "web_only_yourself": (
        "{field}：只能填写您本人",
        "{field}: may only name yourself",
    ),
    "web_no_behalf": (
        "只有工作人员可以代他人录入，投票不能代录",
        "only staff may enter acts for others, and never a vote",
    ),
    "web_no_policy": (
        "网页端未开放此操作：{command}",
        "the web does not offer this command: {command}",
    ),
    "web_slow_down": (
        "提交太频繁，请 {seconds} 秒后再试",
        "too many submissions; try again in {seconds} s",
    ),
    "web_bad_key": (
        "{field}：应为 1–200 个字符",
        "{field}: 1 to 200 characters",
    ),
    "web_no_evidence_store": (
        "此记录不保存附件",
        "this log keeps no attachments",
    ),
    "web_unknown_community": ("查无此社区：{community}", "no such community: {community}"),
    "web_not_found": ("找不到：{id}", "not found: {id}"),
    "web_bad_page": ("{field}：分页参数无效", "{field}: invalid paging"),
    "web_bad_code": (
        "{field}：核验码应为 8 位字母和数字（如 7K3M-Q9TD）",
        "{field}: a code is 8 letters and digits like 7K3M-Q9TD",
    ),
    "web_csrf": (
        "表单已过期或来自其他网站，请刷新页面后重新提交",
        "the form expired or came from another site; reload and submit again",
    ),
    "web_bad_password": ("账号或密码不正确", "wrong account or password"),
    "web_recorded": ("已记录", "recorded"),
    "web_upload_too_large": (
        "{field}：文件太大（上限 {limit} 字节）",
        "{field}: file too large (limit {limit} bytes)",
    ),
    # The console's person fields (web/person_fields.py): names, never ids.
    "web_no_such_person": (
        "{field}：找不到“{name}”，请从列出的人中选择，未记录任何内容",
        "{field}: no one listed here is called “{name}”; choose from the list. Nothing was recorded",
    ),
    "web_ambiguous_person": (
        "{field}：有 {count} 人叫“{name}”，请选其中一位：{choices}。未记录任何内容",
        "{field}: {count} people are called “{name}”; choose one of {choices}. Nothing was recorded",
    ),
}
