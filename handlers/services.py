"""What every handler may use: settings, repositories, catalogue, calendar and the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from config.agency_codes import agency_renames
from config.catalog import AwardCatalog, load_catalog
from config.faq import Faq, load_faq
from config.settings import Settings
from db.apologies import ApologyRepository
from db.attempts import LookupAttemptRepository
from db.casework import CaseworkRepository
from db.connection import Database
from db.conversations import ConversationRepository
from db.dossiers import DossierRepository
from db.follows import FollowRepository
from db.inbound import InboundRepository
from db.nominations import NominationRepository
from db.outbox import OutboxRepository
from db.public_files import PublicFileRepository
from db.ratings import RatingRepository
from db.reminders import ReminderRepository
from db.reports import ReportRepository
from db.staff import StaffRepository
from db.submissions import SubmissionRepository
from db.supplements import SupplementRepository
from domain.calendar import WorkCalendar

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Injected into every handler, so tests swap the clock or the database freely."""

    settings: Settings
    db: Database
    catalog: AwardCatalog
    calendar: WorkCalendar
    legacy_provinces: dict[str, str]
    clock: Clock = system_clock
    bot_username: str | None = None
    #: The citizen's common questions (config/faq.toml); read from the settings when not given.
    faq: Faq | None = None
    #: Issue 24: the bytes of a file a person sent, by channel (set by the channel that can).
    file_fetchers: dict[str, Callable[[str], Awaitable[bytes]]] = field(default_factory=dict)
    dossiers: DossierRepository = field(init=False)
    attempts: LookupAttemptRepository = field(init=False)
    conversations: ConversationRepository = field(init=False)
    staff: StaffRepository = field(init=False)
    follows: FollowRepository = field(init=False)
    outbox: OutboxRepository = field(init=False)
    nominations: NominationRepository = field(init=False)
    reminders: ReminderRepository = field(init=False)
    inbound: InboundRepository = field(init=False)
    public_files: PublicFileRepository = field(init=False)
    reports: ReportRepository = field(init=False)
    casework: CaseworkRepository = field(init=False)
    ratings: RatingRepository = field(init=False)
    submissions: SubmissionRepository = field(init=False)
    supplements: SupplementRepository = field(init=False)
    apologies: ApologyRepository = field(init=False)

    def __post_init__(self) -> None:
        if self.faq is None:
            self.faq = load_faq(self.settings.faq_file)
        self.dossiers = DossierRepository(self.db)
        self.attempts = LookupAttemptRepository(self.db)
        self.conversations = ConversationRepository(self.db)
        self.staff = StaffRepository(self.db)
        self.follows = FollowRepository(self.db)
        self.outbox = OutboxRepository(self.db)
        self.nominations = NominationRepository(self.db)
        self.reminders = ReminderRepository(self.db)
        self.inbound = InboundRepository(self.db)
        self.public_files = PublicFileRepository(self.db)
        self.reports = ReportRepository(self.db)
        self.casework = CaseworkRepository(self.db)
        self.ratings = RatingRepository(self.db)
        self.submissions = SubmissionRepository(self.db)
        self.supplements = SupplementRepository(self.db)
        self.apologies = ApologyRepository(self.db)

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    def now(self) -> datetime:
        return self.clock()

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        """Deadlines are local dates (Asia/Ho_Chi_Minh)."""
        return self.local_now().date()


def build_services(settings: Settings, db: Database, *, clock: Clock = system_clock) -> Services:
    """Load the catalogue and the calendar named by the settings and wire the repositories."""
    return Services(
        settings=settings,
        db=db,
        catalog=load_catalog(settings.award_catalog),
        calendar=WorkCalendar.from_file(
            settings.holidays_file,
            culture_day=settings.culture_day,
            office_end=settings.office_hours_end,
        ),
        legacy_provinces=agency_renames(settings.agency_codes_file, settings.holidays_file),
        clock=clock,
        bot_username=settings.telegram_bot_username,
    )
