"""What the notebooks show: parameter checks, then findings, tables, figures and sources in one language.

Each report is opened by `open_entity`, `open_province`, `open_national` or `open_comparison`, which
check the parameters and stop with one sentence on a bad one. A view reads its report's `selection`
(the rows its CSV holds and its rebuild digest covers), hands out the DataFrame behind each table
(`frame("peers")`), and shows its sections in order (`show("trend")`); numbers come from trend,
compare, national and findings, words from the message catalogue (`words`), markup from the Jinja2
templates in `templates/fragments` (`markup`, autoescaped, so strings from data are escaped).
"""

from ..errors import ReportError
from ..exports import export_table  # an analyst's export, reachable as report.export_table too
from .comparison import ComparisonReport
from .entity import EntityReport
from .markup import figure, paragraphs, table
from .national import NationalReport
from .opening import check_parameters, open_comparison, open_entity, open_national, open_province
from .province import ProvinceReport
from .tables import conflicts_table
from .view import Section

__all__ = ["ComparisonReport", "EntityReport", "NationalReport", "ProvinceReport", "ReportError", "Section",
           "export_table",
           "check_parameters", "conflicts_table", "figure", "open_comparison", "open_entity", "open_national",
           "open_province", "paragraphs", "table"]
