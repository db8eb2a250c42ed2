"""The one entry for a file (CSV or .xlsx): errors past TDKT_IMPORT_MAX_ERRORS are counted, not
kept, and memory stays bounded on any input (issue 23 item 3)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from config.settings import ROOT
from handlers.importing.files import read_chunks
from handlers.importing.rules import RowRules
from handlers.importing.writer import import_chunks
from handlers.services import Services

HEADER = "code,award_kind,nominee,received_on"
#: One error each (an award kind not in the catalogue); a bad line never counts as a duplicate.
BAD_LINE = "000.00.21.H01-260213-0001,NOPE,Nguyễn Văn An,2026-02-13"
MAX_RSS_MB = 400


def bad_csv(path: Path, lines: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        block = (BAD_LINE + "\n") * 10_000
        for _ in range(lines // 10_000):
            out.write(block)
        out.write((BAD_LINE + "\n") * (lines % 10_000))
    return path


async def test_errors_past_the_limit_are_counted_not_listed(
    services: Services, tmp_path: Path
) -> None:
    path = bad_csv(tmp_path / "bad.csv", 3_000)
    rules = RowRules(services.catalog, services.calendar)
    outcome = await import_chunks(
        services, read_chunks(path, rules, size=700), actor="import", estimated_rows=3_000
    )
    assert len(outcome.errors) == 1_000
    assert [line for line, _message in outcome.errors] == list(range(2, 1_002))
    assert outcome.more_errors == 2_000
    assert outcome.error_lines()[-1] == "… và 2.000 lỗi nữa."
    assert outcome.summary() == "Có 3.000 lỗi — không ghi gì vào cơ sở dữ liệu."
    assert await services.dossiers.count() == 0


async def test_the_limit_is_a_setting(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import EXIT_FAILED, import_file

    assert services.settings.import_max_errors == 1_000  # the default the README states
    path = bad_csv(tmp_path / "bad.csv", 30)
    settings = services.settings.model_copy(update={"import_max_errors": 5})
    assert await import_file(settings, path) == EXIT_FAILED
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 7
    assert err[4].startswith("Dòng 6: hình thức khen thưởng “NOPE”")
    assert err[5:] == ["… và 25 lỗi nữa.", "Có 30 lỗi — không ghi gì vào cơ sở dữ liệu."]


#: `python -m bot import FILE`, then the peak resident memory of this process (VmHWM) and of
#: its reading process (ru_maxrss of the children), in kB, on stdout.
_PEAK = """
import resource, sys
from pathlib import Path
from bot.cli import main
code = main(["import", sys.argv[1]])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        print(line.split()[1])
sys.exit(code)
"""


def import_peak(path: Path, database: Path) -> tuple[int, list[str], float, float]:
    """Exit code, stderr lines, and the peak MB of the import and of its reading process."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)],
        cwd=ROOT,
        env={"TDKT_DATABASE": str(database), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    reader_kb, peak_kb = (int(line) for line in done.stdout.split()[-2:])
    return done.returncode, done.stderr.splitlines(), peak_kb / 1024, reader_kb / 1024


@pytest.mark.slow
def test_three_million_bad_lines_stay_under_400_mb(tmp_path: Path) -> None:
    path = bad_csv(tmp_path / "bad.csv", 3_000_000)
    code, err, peak, reader = import_peak(path, tmp_path / "board.sqlite3")
    print(f"3,000,000 bad lines: peak {peak:.0f} MB, reading process {reader:.0f} MB")
    assert code == 1
    assert len([line for line in err if line.startswith("Dòng ")]) == 1_000
    assert err[-2:] == [
        "… và 2.999.000 lỗi nữa.",
        "Có 3.000.000 lỗi — không ghi gì vào cơ sở dữ liệu.",
    ]
    assert peak < MAX_RSS_MB and reader < MAX_RSS_MB, (peak, reader)


@pytest.mark.slow
def test_a_large_workbook_of_bad_rows_stays_under_400_mb(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER.split(","))
    for number in range(150_000):  # one error each, as BAD_LINE
        sheet.append([f"000.00.21.H01-260213-{number % 10_000:04d}", "NOPE", "A B", "2026-02-13"])
    workbook.save(path)
    code, err, peak, _reader = import_peak(path, tmp_path / "board.sqlite3")
    print(f"150,000 bad rows in {path.stat().st_size:,} bytes of xlsx: peak {peak:.0f} MB")
    assert code == 1
    assert len([line for line in err if line.startswith("Dòng ")]) == 1_000
    assert err[-2:] == ["… và 149.000 lỗi nữa.", "Có 150.000 lỗi — không ghi gì vào cơ sở dữ liệu."]
    assert peak < MAX_RSS_MB, peak
