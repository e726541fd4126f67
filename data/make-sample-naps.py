#!/usr/bin/env python3
# Writes the sample National Allocation Plans of the demo registry and the
# plan files of the tests, as Gnumeric workbooks converted to .xlsx, .xls
# and .ods by Gnumeric's ssconvert: files an office suite really wrote.
# The operators are fictional; their BINs carry valid check digits.
#
#   python3 data/make-sample-naps.py     (needs ssconvert, from gnumeric)
import os
import random
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def check_digit(digits):
    s = sum(int(d) * w for d, w in zip(digits, range(1, 12))) % 11
    if s == 10:
        s = sum(int(d) * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
        if s == 10:
            return None
    return s


def make_bin(yymm, serial):
    while True:
        first = "%s40%05d" % (yymm, serial)
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        serial += 1


SECTORS = [
    ("Электроэнергетика", [
        ("АО «Северная ТЭЦ» (демо)", "Котельный цех №1", 4_850_000),
        ("АО «Павлодарская ТЭЦ» (demo)", "Энергоблоки 1–4", 3_920_000),
        ("ТОО «Степная ГРЭС» (демо)", "Энергоблок №2", 6_410_000),
        ("ТОО «Степная ГРЭС» (демо)", "Энергоблок №3", 5_980_000),
        ("АО «Алатау Энерго» (демо)", "ТЭЦ-2", 2_760_000),
    ]),
    ("Нефтегазовый сектор", [
        ("ТОО «Каспий Мунай» (демо)", "Установка подготовки нефти", 1_240_000),
        ("АО «Жайык Газ» (демо)", "Газоперерабатывающий завод", 985_000),
        ("ТОО «Арал Петролеум» (демо)", "Компрессорная станция", 412_500),
    ]),
    ("Горнодобывающая промышленность", [
        ("АО «Сарыарка Көмір» (демо)", "Разрез «Восточный»", 735_000),
        ("ТОО «Ертіс Кен» (демо)", "Обогатительная фабрика", 298_000),
    ]),
    ("Металлургия", [
        ("АО «Темиртау Болат» (демо)", "Доменный цех", 7_150_000),
        ("ТОО «Балқаш Мыс» (демо)", "Медеплавильный завод", 1_860_000),
        ("АО «Ақсу Ферроқорытпа» (демо)", "Печи ферросплавов", 2_340_000),
    ]),
    ("Химическая промышленность", [
        ("ТОО «Жамбыл Фосфор» (демо)", "Цех желтого фосфора", 640_000),
    ]),
    ("Обрабатывающая промышленность (цемент, известь, гипс, кирпич)", [
        ("АО «Шымкент Цемент» (демо)", "Вращающиеся печи", 1_105_000),
        ("ТОО «Қарағанды Әк» (демо)", "Известковые печи", 214_000),
        ("ТОО «Кірпіш Зауыты» (демо)", "Туннельная печь", 96_500),
    ]),
]

RESERVES = [("Резерв для новых установок", 0.03), ("Резерв на расширение действующих установок", 0.015)]


def operators():
    bins = {}
    serial = 1
    for _, lines in SECTORS + [NEW_2015]:
        for operator, _, _ in lines:
            if operator not in bins:
                # The demo registry's own nature user keeps its BIN.
                if "Павлодарская" in operator:
                    bins[operator] = "140340000018"
                else:
                    bins[operator] = make_bin("%02d%02d" % (8 + serial % 6, 1 + serial % 12), 100 + serial * 7)
                serial += 1
    return bins


class Sheet:
    def __init__(self, name):
        self.name = name
        self.cells = {}
        self.merges = []

    def text(self, row, col, value):
        self.cells[(row, col)] = ("60", escape(value))

    def number(self, row, col, value):
        self.cells[(row, col)] = ("40", repr(value) if isinstance(value, float) else str(value))

    def formula(self, row, col, expression):
        self.cells[(row, col)] = (None, escape(expression))

    def merge(self, ref):
        self.merges.append(ref)

    def size(self):
        # Gnumeric sheets hold 65,536 rows unless they say otherwise.
        rows = max(r for r, _ in self.cells) + 1
        return ' gnm:Cols="16384" gnm:Rows="1048576"' if rows > 65536 else ''

    def xml(self):
        rows = max(r for r, _ in self.cells) + 1
        cols = max(c for _, c in self.cells) + 1
        out = ['<gnm:Sheet DisplayFormulas="0" HideZero="0" HideGrid="0" HideColHeader="0" HideRowHeader="0">',
               "<gnm:Name>%s</gnm:Name>" % escape(self.name),
               "<gnm:MaxCol>%d</gnm:MaxCol><gnm:MaxRow>%d</gnm:MaxRow>" % (cols - 1, rows - 1),
               "<gnm:Cells>"]
        for (r, c), (kind, value) in sorted(self.cells.items()):
            if kind is None:
                out.append('<gnm:Cell Row="%d" Col="%d">%s</gnm:Cell>' % (r, c, value))
            else:
                out.append('<gnm:Cell Row="%d" Col="%d" ValueType="%s">%s</gnm:Cell>' % (r, c, kind, value))
        out.append("</gnm:Cells>")
        if self.merges:
            out.append("<gnm:MergedRegions>%s</gnm:MergedRegions>" %
                       "".join("<gnm:Merge>%s</gnm:Merge>" % m for m in self.merges))
        out.append("</gnm:Sheet>")
        return "\n".join(out)


def workbook(sheets):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gnm:Workbook xmlns:gnm="http://www.gnumeric.org/v10.dtd">\n'
            '<gnm:SheetNameIndex>%s</gnm:SheetNameIndex>\n<gnm:Sheets>\n%s\n</gnm:Sheets>\n'
            '</gnm:Workbook>\n' % ("".join("<gnm:SheetName%s>%s</gnm:SheetName>" % (s.size(), escape(s.name))
                                            for s in sheets),
                                    "\n".join(s.xml() for s in sheets)))


def col(c):
    return chr(ord("A") + c)


HEADERS = {
    "ru": ["№ п/п", "Наименование природопользователя", "БИН", "Установка", "Отрасль"],
    "kk": ["Р/с №", "Табиғат пайдаланушының атауы", "БСН", "Қондырғы", "Сала"],
    "en": ["No.", "Operator (nature user)", "BIN", "Installation", "Sector"],
}
TITLES = {
    "ru": "Национальный план распределения квот на выбросы парниковых газов на %s",
    "kk": "Парниктік газдар шығарындыларына квоталар бөлудің ұлттық жоспары, %s",
    "en": "National Allocation Plan of greenhouse gas emission quotas for %s",
}
PERIOD = {
    "ru": ("%d год", "%d–%d годы"),
    "kk": ("%d жыл", "%d–%d жылдар"),
    "en": ("%d", "%d–%d"),
}


def period_text(language, years):
    if len(years) == 1:
        return PERIOD[language][0] % years[0]
    return PERIOD[language][1] % (years[0], years[-1])
WORDS = {
    "ru": ("Итого по отрасли", "Итого по плану"),
    "kk": ("Сала бойынша жиыны", "Жоспар бойынша барлығы"),
    "en": ("Sector subtotal", "Total"),
}


def plan_sheet(years, language="ru", seed=0, extra=None, errors=False):
    rnd = random.Random(seed)
    bins = operators()
    sheet = Sheet({"ru": "НПРК", "kk": "ҰЖ", "en": "NAP"}[language] + " " +
                  "-".join(str(y) for y in sorted(set((years[0], years[-1])))))
    header = HEADERS[language] + [str(y) for y in years]
    last = len(header) - 1
    sheet.text(0, 0, TITLES[language] % period_text(language, years))
    sheet.merge("A1:%s1" % col(last))
    sheet.text(1, 0, {"ru": "тонн CO2-эквивалента", "kk": "CO2-баламасының тоннасы",
                      "en": "tonnes of CO2 equivalent"}[language])
    for c, name in enumerate(header):
        sheet.text(3, c, name)
    row = 4
    number = 1
    subtotal_rows = []
    sectors = SECTORS + ([extra] if extra else [])
    for sector, lines in sectors:
        sheet.text(row, 0, sector)
        sheet.merge("A%d:%s%d" % (row + 1, col(last), row + 1))
        row += 1
        first = row
        for operator, installation, base in lines:
            sheet.number(row, 0, number)
            sheet.text(row, 1, operator)
            sheet.text(row, 2, bins.get(operator, "140340000018"))
            sheet.text(row, 3, installation)
            sheet.text(row, 4, sector)
            for i, _ in enumerate(years):
                amount = int(base * (1 - 0.015 * i) * (1 + rnd.uniform(-0.02, 0.02)))
                sheet.number(row, 5 + i, amount)
            number += 1
            row += 1
        sheet.text(row, 1, WORDS[language][0])
        for i, _ in enumerate(years):
            sheet.formula(row, 5 + i, "=SUM(%s%d:%s%d)" % (col(5 + i), first + 1, col(5 + i), row))
        subtotal_rows.append(row + 1)
        row += 1
    reserve_rows = []
    for label, share in RESERVES:
        sheet.text(row, 1, label)
        for i, _ in enumerate(years):
            total = sum(int(b * (1 - 0.015 * i)) for _, ls in sectors for _, _, b in ls)
            sheet.number(row, 5 + i, int(total * share) // 1000 * 1000)
        reserve_rows.append(row + 1)
        row += 1
    sheet.text(row, 1, WORDS[language][1])
    for i, _ in enumerate(years):
        c = col(5 + i)
        sheet.formula(row, 5 + i, "=" + "+".join("%s%d" % (c, r) for r in subtotal_rows + reserve_rows))
    if errors:
        # Every check the plan has, once: see tests/core/test-nap.c.
        sheet.text(6, 2, "140340000019")                 # bad check digit
        sheet.number(7, 5, -5)                           # negative
        sheet.number(8, 5, 1250.5)                       # fractional
        sheet.text(9, 5, "около миллиона")              # not a number
        sheet.text(10, 1, "ТОО «Другое имя» (демо)")    # same BIN as row 10, another name
        sheet.text(10, 2, sheet.cells[(9, 2)][1])
        sheet.text(10, 3, sheet.cells[(9, 3)][1])       # and the same installation
        sheet.number(row, 5, 1)                          # a total that does not add up
    return sheet


def amended_value(text, delta):
    return int(text) + delta


def convert(sheets, outputs):
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "plan.gnumeric")
        with open(source, "w", encoding="utf-8") as f:
            f.write(workbook(sheets))
        for path, exporter in outputs:
            if os.path.exists(path):
                os.remove(path)
            subprocess.run(["ssconvert", "--export-type=" + exporter, source, path], check=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC"))


XLSX = "Gnumeric_Excel:xlsx2"
XLS = "Gnumeric_Excel:excel_biff8"
ODS = "Gnumeric_OpenCalc:openoffice"

NEW_2015 = ("Энергосбережение и новые мощности", [
    ("ТОО «Жаңа Қуат» (демо)", "Парогазовая установка", 1_320_000),
])


def main():
    data = os.path.join(TOP, "data")
    tests = os.path.join(TOP, "tests", "data")
    for year, seed, extra in ((2014, 14, None), (2015, 15, NEW_2015)):
        sheet = plan_sheet([year], "ru", seed, extra)
        convert([sheet], [(os.path.join(data, "nap-%d.xlsx" % year), XLSX),
                          (os.path.join(data, "nap-%d.xls" % year), XLS)])
    convert([plan_sheet([2014, 2015], "kk", 1)], [(os.path.join(tests, "nap-kk-2014-2015.ods"), ODS)])
    convert([plan_sheet([2014, 2015], "en", 2)], [(os.path.join(tests, "nap-en-2014-2015.xls"), XLS)])
    convert([plan_sheet([2014], "ru", 3, errors=True)], [(os.path.join(tests, "nap-errors-2014.xlsx"), XLSX)])
    # An amendment of the 2014 plan: one allocation up, one down; the
    # formulas carry the new sums into the subtotal and the total.
    amended = plan_sheet([2014], "ru", 14)
    amended.number(5, 5, amended_value(amended.cells[(5, 5)][1], +125000))
    amended.number(6, 5, amended_value(amended.cells[(6, 5)][1], -20000))
    convert([amended], [(os.path.join(tests, "nap-2014-amended.xls"), XLS)])

    other = Sheet("Budget")
    for r, (name, value) in enumerate([("Item", "Amount"), ("Paper", 120), ("Ink", 45.5)]):
        other.text(r, 0, name)
        (other.text if isinstance(value, str) else other.number)(r, 1, value)
    convert([other], [(os.path.join(tests, "not-a-plan.xlsx"), XLSX)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
