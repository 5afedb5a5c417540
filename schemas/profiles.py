"""Engineers' profile fields: skills from the shared vocabulary, languages CLDR knows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from schemas.common import LocationSchema, Text, UuidStr
from sync.languages import is_known_language
from sync.skills import SKILLS


class SkillCode(Text):
    default_error_messages = {"unknown_skill": "Unknown skill {code!r}; known: {known}."}

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        if code not in SKILLS:
            raise self.make_error("unknown_skill", code=code[:40], known=", ".join(SKILLS))
        return code


class LanguageTag(Text):
    default_error_messages = {
        "unknown_language": "Unknown language tag {tag!r}; use a BCP 47 tag such as zh, yue, en."}

    def _deserialize(self, value, attr, data, **kwargs):
        tag = super()._deserialize(value, attr, data, **kwargs)
        if not is_known_language(tag):
            raise self.make_error("unknown_language", tag=tag[:40])
        return tag


SKILLS_DOC = "skill codes, each one of: " + ", ".join(SKILLS)


class EngineerProfileSchema(Schema):
    """The profile fields shared by the create and update bodies (engineers only)."""

    skills = fields.List(SkillCode(), validate=validate.Length(max=len(SKILLS)),
                         metadata={"description": SKILLS_DOC})
    languages = fields.List(LanguageTag(), validate=validate.Length(max=20), metadata={
        "description": "BCP 47 language tags known to CLDR (e.g. zh, yue, en, zh-TW)"})
    home = fields.Nested(LocationSchema, allow_none=True,
                         metadata={"description": "where the engineer starts from"})
    service_point_id = UuidStr(allow_none=True, metadata={
        "description": "the service point the engineer belongs to"})


PROFILE_FIELDS = tuple(EngineerProfileSchema().fields)
