"""Events: the facts in the log. State is a fold over them.

Events are frozen attrs values with plain data (str, int, bool, dates, tuples
and mappings of those), so that they serialise to one canonical JSON form.
Past tense names; every event says who entered it and on whose behalf.

The classes live in one module per area; everything is imported here, so
``from yishi.domain import events as ev`` and ``ev.MatterProposed`` reach them
all, and importing this package registers every class in ``EVENT_TYPES``.
A class's name and field order are part of its encoding: never change them.
"""

from yishi.domain.events.base import EVENT_TYPES, Event, event_from_dict, matter_stream
from yishi.domain.events.community import (
    BodyConstituted,
    CommunityNamed,
    GroupRegistered,
    HouseholdRegistered,
    PersonRegistered,
    ProceduresRecorded,
)
from yishi.domain.events.disclosures import (
    DisclosureClosed,
    DisclosurePublished,
    ObjectionAnswered,
    ObjectionEscalated,
    ObjectionRaised,
)
from yishi.domain.events.execution import (
    AccountEntryRecorded,
    BudgetRecorded,
    EvaluationClosed,
    ExecutionCompleted,
    ExecutionSignedOff,
    ProgressRecorded,
    RatingSubmitted,
)
from yishi.domain.events.levy import (
    HouseholdCanvassed,
    LevyPlanRecorded,
)
from yishi.domain.events.matters import (
    InterestDeclared,
    MatterClosed,
    MatterHandedOff,
    MatterProposed,
    StageEntered,
    StepRecorded,
    SuggestionDeclined,
    SuggestionSubmitted,
)
from yishi.domain.events.meetings import (
    AttendanceRecorded,
    BallotBoxOpened,
    BallotCast,
    BallotReceived,
    BallotsEntered,
    CandidatesElected,
    ConsensusRecorded,
    ElectionBallotCast,
    ElectionCountEntered,
    HandCountEntered,
    MeetingClosed,
    MeetingConvened,
    MeetingNoticeCompleted,
    MemberExcused,
    ProxyRegistered,
    SealedBallot,
)
from yishi.domain.events.outside import (
    ApprovalOverdue,
    ApprovalRecorded,
    ReferralAnswered,
    ReferralOverdue,
    ReferralSent,
)

__all__ = [
    "EVENT_TYPES",
    "AccountEntryRecorded",
    "ApprovalOverdue",
    "ApprovalRecorded",
    "AttendanceRecorded",
    "BallotBoxOpened",
    "BallotCast",
    "BallotReceived",
    "BallotsEntered",
    "BodyConstituted",
    "BudgetRecorded",
    "CandidatesElected",
    "CommunityNamed",
    "ConsensusRecorded",
    "DisclosureClosed",
    "DisclosurePublished",
    "ElectionBallotCast",
    "ElectionCountEntered",
    "EvaluationClosed",
    "Event",
    "ExecutionCompleted",
    "ExecutionSignedOff",
    "GroupRegistered",
    "HandCountEntered",
    "HouseholdCanvassed",
    "HouseholdRegistered",
    "InterestDeclared",
    "LevyPlanRecorded",
    "MatterClosed",
    "MatterHandedOff",
    "MatterProposed",
    "MeetingClosed",
    "MeetingConvened",
    "MeetingNoticeCompleted",
    "MemberExcused",
    "ObjectionAnswered",
    "ObjectionEscalated",
    "ObjectionRaised",
    "PersonRegistered",
    "ProceduresRecorded",
    "ProgressRecorded",
    "ProxyRegistered",
    "RatingSubmitted",
    "ReferralAnswered",
    "ReferralOverdue",
    "ReferralSent",
    "SealedBallot",
    "StageEntered",
    "StepRecorded",
    "SuggestionDeclined",
    "SuggestionSubmitted",
    "event_from_dict",
    "matter_stream",
]
