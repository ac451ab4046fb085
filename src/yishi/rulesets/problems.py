"""Problems found in a rule set or scenario file, located and explained."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from yishi.i18n import message

PROBLEM_MESSAGES: dict[str, tuple[str, str]] = {
    "toml_syntax": ("TOML 语法错误：{detail}", "TOML syntax error: {detail}"),
    "encoding": ("文件不是 UTF-8 编码：字节 {detail}", "the file is not UTF-8: byte {detail}"),
    "unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "missing": ("缺少必填项", "required key is missing"),
    "unknown_key": ("未知的键", "unknown key"),
    "wrong_type": ("类型不对", "wrong type"),
    "bad_value": ("取值无效", "invalid value"),
    "bad_fraction": ("应为分数字符串", "must be a fraction string"),
    "bad_ref": ("引用的对象不存在", "refers to something that does not exist"),
    "duplicate": ("重复的编号", "duplicate id"),
    "inconsistent": ("与其他设定矛盾", "contradicts another setting"),
    "below_floor": ("低于法定下限", "below the statutory floor"),
    "template_value": (
        "模板数值：来源未给出，须由本社区设定",
        "template value: no source gives it; the community must set it",
    ),
    "unverified_law": (
        "所声明的法律文本已被取代，法定下限按现行文本核对",
        "the law version declared is superseded; floors are checked against the texts in force",
    ),
}


@attrs.frozen
class Problem:
    code: str
    path: str  # dotted key path, e.g. stages[2].quorum.fraction
    expected: str = ""
    found: str = ""
    hint: str = ""
    expected_en: str = ""
    hint_en: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    severity: str = "error"  # error | warning
    detail: str = ""

    def located(self, file: str, line: int | None, column: int | None = None) -> Problem:
        return attrs.evolve(self, file=file, line=self.line or line, column=self.column or column)

    def message(self, lang: str = "zh") -> str:
        zh, en = PROBLEM_MESSAGES[self.code]
        text = (en if lang == "en" else zh).format(detail=self.detail)
        parts = [text]
        expected = self.expected_en if lang == "en" and self.expected_en else self.expected
        if expected:
            parts.append(("expected " if lang == "en" else "应为：") + expected)
        if self.found:
            parts.append(("found " if lang == "en" else "实际为：") + self.found)
        hint = self.hint_en if lang == "en" and self.hint_en else self.hint
        if hint:
            parts.append(("hint: " if lang == "en" else "提示：") + hint)
        return ("; " if lang == "en" else "；").join(parts)

    def where(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def render(self, lang: str = "zh") -> str:
        level = {"error": ("错误", "error"), "warning": ("警告", "warning")}[self.severity]
        label = level[1] if lang == "en" else level[0]
        path = f" {self.path}:" if self.path else ""
        return f"{self.where()}: {label}:{path} {self.message(lang)}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "code": self.code,
            "severity": self.severity,
            "message": {"zh": self.message("zh"), "en": self.message("en")},
        }


class RuleSetError(Exception):
    """A file could not be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(p.render("en") for p in self.problems))

    def render(self, lang: str = "zh") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


def errors(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


__all__ = ["Problem", "RuleSetError", "errors", "message"]
