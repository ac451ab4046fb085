"""Disclosure documents (公示) built from state; rendering is pure."""

from yishi.publish.notice import render_notice

__all__ = ["render_notice"]
