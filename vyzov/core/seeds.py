"""The programme's seed documents by their human titles.

The reference CSVs name the document each figure comes from by its file name in the programme's
archive («004_8790988a8189cf18.txt, слайд …»). A user never sees those names: every text loaded from
the references and shown in the UI passes through `with_titles`, and the template filter of the same
name covers texts stored before this existed."""

import re

SEED_TITLES = {
    "000_d072226f5d896c06": "Информация об итогах VII Конкурса городов России «Город детей – город семей» (2016)",
    "001_f56aa7abe4892c4a": "Отчёт о результатах Конкурса городов «Семья и город – растём вместе» (2017)",
    "002_e19f77c7b47b31cc": "Стратегическая программа Уполномоченного по правам ребёнка «Дети в семье»",
    "003_f06f9ca8a6f9353a": "Декларация встречи муниципальных образований «Родом из детства» (Ставрополь, 2019)",
    "004_8790988a8189cf18": "Презентация специального проекта «Вызов»",
}
UNKNOWN = "документ программы"

# A seed file name as the CSVs write it: three digits, an underscore, 16 hex digits, an optional extension.
SEED_FILE_NAME = re.compile(r"\b(\d{3}_[0-9a-f]{16})(?:\.(?:txt|md|pdf|docx|csv))?\b")


def with_titles(text: str | None) -> str:
    """`text` with every seed file name replaced by the document's title."""
    if not text:
        return text or ""
    return SEED_FILE_NAME.sub(lambda match: SEED_TITLES.get(match.group(1), UNKNOWN), text)


def title_by_number(number: str) -> str:
    """«002» → the title of the programme's document 002 (documents are numbered 000–004)."""
    for name, title in SEED_TITLES.items():
        if name.startswith(f"{number}_"):
            return title
    return UNKNOWN
