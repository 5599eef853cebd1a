from participants.models.cell import AgendaItem, AgendaReason, CellMeeting
from participants.models.choices import (
    EducationLevel,
    EmploymentSituation,
    FollowUpKind,
    JusticeKind,
    Mobility,
    OutcomeKind,
    PlanActionCategory,
    PlanActionStatus,
    PreferredChannel,
    Sector,
    Status,
    TaskKind,
)
from participants.models.justice import JusticeMeasure
from participants.models.participant import Participant, ReferentChange, StatusChange
from participants.models.sms_opt_out import OptOutSource, SmsOptOut
from participants.models.tracking import FollowUp, Outcome, PlanAction, Task

__all__ = [
    "AgendaItem",
    "AgendaReason",
    "CellMeeting",
    "EducationLevel",
    "EmploymentSituation",
    "FollowUp",
    "FollowUpKind",
    "JusticeKind",
    "JusticeMeasure",
    "Mobility",
    "OptOutSource",
    "Outcome",
    "OutcomeKind",
    "Participant",
    "PlanAction",
    "PlanActionCategory",
    "PlanActionStatus",
    "PreferredChannel",
    "ReferentChange",
    "Sector",
    "SmsOptOut",
    "Status",
    "StatusChange",
    "Task",
    "TaskKind",
]
