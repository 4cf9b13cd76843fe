"""XLSX of the operators' report, also the quarterly report to the federal team (a fixed layout)."""

from __future__ import annotations


def report_rows(data) -> list[list]:
    rows = [
        ["Период", f"{data.date_from:%d.%m.%Y} – {data.date_to:%d.%m.%Y}", None],
        ["Семей получили помощь", data.families, None],
        ["Детей в этих семьях", data.children, None],
        ["Одобрено, руб.", data.approved, None],
        ["Выплачено, руб.", data.paid, None],
        ["Формы помощи", None, None],
    ]
    rows += [[f"  {title}", total, count] for title, total, count in data.by_form]
    rows.append(["Поступления в фонды по источникам", None, None])
    rows += [[f"  {title}", total, None] for title, total in data.incomes_by_source]
    rows.append(["Результаты для семей", None, None])
    rows += [[f"  {title}", count, None] for title, count in data.outcomes]
    return rows
