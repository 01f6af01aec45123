from django.core.management.base import BaseCommand, CommandParser

from trials.importer import import_studies


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Import clinical trials in the ClinicalTrials.gov API v2 format. SOURCE is a JSON page file, a folder "
        "of page files (read in name order), or an API URL (https://clinicaltrials.gov/api/v2/studies?...), "
        "whose pages are followed through nextPageToken. Safe to run again: unchanged studies are not "
        "written. Bad records and unreadable pages are skipped and listed; the command does not stop for them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a .json file, a folder of .json files, or an http(s) URL of the API")
        parser.add_argument(
            "--close-missing",
            action="store_true",
            help=(
                "Also close recruiting trials the source does not list. Only for a source listing every "
                "recruiting trial Kindred follows; not applied when a page could not be read."
            ),
        )
        parser.add_argument("--batch-size", type=_positive, default=500, help="studies written per transaction")

    def handle(self, *args, source: str, close_missing: bool, batch_size: int, **options) -> None:
        report = import_studies(source, close_missing=close_missing, batch_size=batch_size)
        summary, *problems = report.lines()
        self.stdout.write(self.style.SUCCESS(summary) if not problems else summary)
        for line in problems:
            self.stdout.write(self.style.WARNING(line))
