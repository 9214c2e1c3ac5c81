"""The verifier's report in plain words, in Arabic and English, for people who are not cryptographers.

Each check of an ElectionGuard 2.1 record has a plain-language line (what a pass means) and
advice (what to do when it fails). ``plain_lines`` turns a ``Report`` into those lines in one
language; the CLI prints them (``nazaha verify --language``), the HTML report
(``nazaha.verify.html_report``) shows them, and the browser verifier receives the same table as
JSON (``strings_document``), so all three say the same thing. Checks of other formats (1.x,
2.0) fall back to the check's own English title with an Arabic lead-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nazaha.verify.report import CheckResult, Report, Status

__all__ = ["LANGUAGES", "PlainLine", "plain_lines", "strings_document", "verdict_line", "word"]

LANGUAGES = ("ar", "en")

# number -> (English line, Arabic line)
_LINES: dict[str, tuple[str, str]] = {
    "0": (
        "The record is complete: no file is missing, added or changed since it was published.",
        "السجل كامل: لم يُحذف منه ملف ولم يُضف إليه ملف ولم يتغيّر ملف منذ نشره.",
    ),
    "B": (
        "The public bulletin board is an unbroken chain, and it lists exactly the ballots in the record.",
        "لوحة الإعلانات العامة سلسلة متّصلة لم تنقطع، وتذكر الأوراق الموجودة في السجل بالضبط.",
    ),
    "E": (
        "Every counted ballot was signed by an eligible voter's credential or a listed device, and only once.",
        "كل ورقة محسوبة موقّعة ببطاقة ناخب مؤهّل أو بجهاز مُدرج في القائمة، ومرة واحدة فقط.",
    ),
    "S": (
        "The record is signed by the election administrator's key.",
        "السجل موقّع بمفتاح مدير الانتخابات.",
    ),
    "G": (
        "The messages of the guardians who decrypted the result are really theirs.",
        "رسائل الأمناء الذين فكّوا تشفير النتيجة صادرة عنهم فعلًا.",
    ),
    "1": (
        "The election uses the standard, public parameters, and its starting fingerprints are right.",
        "تستخدم الانتخابات المعاملات القياسية العامة، وبصماتها الأولى صحيحة.",
    ),
    "2": (
        "Every guardian proved it holds its part of the election key.",
        "أثبت كل أمين أنه يملك جزأه من مفتاح الانتخابات.",
    ),
    "3": (
        "The election key is made of the guardians' keys, and of nothing else.",
        "مفتاح الانتخابات مكوّن من مفاتيح الأمناء وحدها.",
    ),
    "4": (
        "The election's full fingerprint (extended base hash) is right.",
        "البصمة الكاملة للانتخابات (البصمة الأساسية الموسّعة) صحيحة.",
    ),
    "5": (
        "Every ballot has its own identifier, and no identifier is reused.",
        "لكل ورقة معرّف خاص بها، ولا يتكرر أي معرّف.",
    ),
    "6": (
        "Every encrypted choice is a valid mark (0 or 1 vote), proven without revealing it.",
        "كل اختيار مشفّر علامة صالحة (صوت أو لا صوت)، مُثبتة دون كشفها.",
    ),
    "7": (
        "No ballot gives more votes in a contest than the contest allows.",
        "لا تعطي أي ورقة في أي منافسة أصواتًا أكثر مما تسمح به المنافسة.",
    ),
    "8": (
        "Every receipt code matches its ballot, and each device's chain of ballots is unbroken.",
        "كل رمز إيصال يطابق ورقته، وسلسلة أوراق كل جهاز متّصلة لم تنقطع.",
    ),
    "N": (
        "Every ballot's sealed opening key comes with a proof that it belongs to that ballot.",
        "مفتاح فتح كل ورقة المختوم مرفق ببرهان أنه يخص تلك الورقة.",
    ),
    "D": (
        "Every contest that should carry sealed extra data (write-ins, overvotes) carries it, with a proof "
        "that it belongs to that ballot.",
        "كل منافسة يجب أن تحمل بيانات إضافية مختومة (أسماء مكتوبة، تجاوز الحد) تحملها، مع برهان أنها تخص تلك الورقة.",
    ),
    "9": (
        "The encrypted total is the combination of exactly the cast ballots, no more, no fewer.",
        "المجموع المشفّر هو تجميع الأوراق المُدلى بها بالضبط، دون زيادة أو نقصان.",
    ),
    "10": (
        "The published results are the correct decryption of the encrypted total.",
        "النتائج المنشورة هي فك التشفير الصحيح للمجموع المشفّر.",
    ),
    "11": (
        "The results cover exactly the contests and choices on the ballot.",
        "تغطي النتائج المنافسات والاختيارات الموجودة على الورقة بالضبط.",
    ),
    "12": (
        "The extra data (write-ins, overvotes) of every audited ballot is correctly opened by the guardians.",
        "البيانات الإضافية (أسماء مكتوبة، تجاوز الحد) لكل ورقة مدقّقة فكّ الأمناء تشفيرها بشكل صحيح.",
    ),
    "13": (
        "Every ballot audited by a voter opens to exactly what the record says it held.",
        "كل ورقة دقّقها ناخب تُفتح على ما يقول السجل إنها تحمله بالضبط.",
    ),
    "14": (
        "Every audited ballot is a valid ballot of its style.",
        "كل ورقة مدقّقة ورقة صالحة من نمطها.",
    ),
    "15": (
        "Pre-encrypted ballots: the combined choices are right.",
        "الأوراق المشفّرة مسبقًا: الاختيارات المجمّعة صحيحة.",
    ),
    "16": ("Pre-encrypted ballots: the receipt codes are right.", "الأوراق المشفّرة مسبقًا: رموز الإيصال صحيحة."),
    "17": ("Pre-encrypted ballots: the short codes are right.", "الأوراق المشفّرة مسبقًا: الرموز القصيرة صحيحة."),
    "18": (
        "Unused pre-encrypted ballots are correctly encrypted.",
        "الأوراق المشفّرة مسبقًا غير المستعملة مشفّرة بشكل صحيح.",
    ),
    "19": (
        "Unused pre-encrypted ballots match their style.",
        "الأوراق المشفّرة مسبقًا غير المستعملة تطابق نمطها.",
    ),
    "A": (
        "The paper ballots drawn for the audit match the encrypted ballots they point at, to the announced risk limit.",
        "أوراق الاقتراع الورقية المسحوبة للتدقيق تطابق الأوراق المشفّرة التي تشير إليها، ضمن حد المخاطرة المُعلن.",
    ),
}

_ASK = (
    "Ask the election officials to explain this in public, and report it to the observers.",
    "اطلب من مسؤولي الانتخابات تفسير ذلك علنًا، وأبلغ المراقبين.",
)

# number -> (English advice, Arabic advice) when the check fails
_ADVICE: dict[str, tuple[str, str]] = {
    "0": (
        "Download the record again from the official ballot box and verify the new copy. If it still fails, "
        "the published record was altered or is incomplete.",
        "نزّل السجل مرة أخرى من صندوق الاقتراع الرسمي وتحقّق من النسخة الجديدة. إن استمر الفشل فالسجل المنشور "
        "معدَّل أو ناقص.",
    ),
    "B": (
        "Compare the board with copies other observers saved during voting: a ballot was added, removed or "
        "reordered after it was received.",
        "قارن اللوحة بنسخ حفظها مراقبون آخرون أثناء التصويت: أُضيفت ورقة أو حُذفت أو غُيّر ترتيبها بعد استلامها.",
    ),
    "E": (
        "Some counted ballots cannot be traced to an eligible voter: the count may include stuffed ballots.",
        "بعض الأوراق المحسوبة لا يمكن ربطها بناخب مؤهّل: قد يشمل الفرز أوراقًا محشوّة.",
    ),
    "S": (
        "The record may not come from the election administrator. Get it from the official ballot box.",
        "قد لا يكون السجل صادرًا عن مدير الانتخابات. احصل عليه من صندوق الاقتراع الرسمي.",
    ),
    "G": (
        "Someone other than the guardians wrote part of the decryption. Ask the guardians to confirm their work.",
        "كتب شخص غير الأمناء جزءًا من فك التشفير. اطلب من الأمناء تأكيد عملهم.",
    ),
    "6": (
        "A ballot may hold an invalid vote (for example several votes for one candidate). "
        "The count is not trustworthy.",
        "قد تحمل ورقة صوتًا غير صالح (مثل عدة أصوات لمرشح واحد). لا يمكن الوثوق بالفرز.",
    ),
    "8": (
        "Voters: look up your receipt code on the board. A wrong code or a broken chain means ballots were "
        "changed, added or removed.",
        "أيها الناخبون: ابحثوا عن رمز إيصالكم في اللوحة. الرمز الخاطئ أو السلسلة المنقطعة تعني أن أوراقًا غُيّرت أو "
        "أُضيفت أو حُذفت.",
    ),
    "9": (
        "The total does not combine exactly the cast ballots: ballots were left out, added or counted twice.",
        "المجموع لا يجمع الأوراق المُدلى بها بالضبط: أوراق أُسقطت أو أُضيفت أو حُسبت مرتين.",
    ),
    "10": (
        "The published results are not what the ballots add up to. Do not accept these results.",
        "النتائج المنشورة ليست ما تبلغه الأوراق. لا تقبل هذه النتائج.",
    ),
    "13": (
        "A booth or the record lied about an audited ballot. Voters who audited a ballot should compare it "
        "with what they marked.",
        "كذب جهاز تصويت أو السجل بشأن ورقة مدقّقة. على الناخبين الذين دقّقوا ورقة مقارنتها بما اختاروه.",
    ),
}

_VERDICTS = {
    Status.PASSED: ("passed", "نجح"),
    Status.FAILED: ("FAILED", "فشل"),
    Status.NOT_APPLICABLE: ("does not apply", "لا ينطبق"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "valid": ("VALID: every check that applies passed.", "صالح: نجح كل فحص ينطبق على هذا السجل."),
    "invalid": (
        "INVALID: the record fails the checks marked FAILED.",
        "غير صالح: يفشل السجل في الفحوص التي نتيجتها «فشل».",
    ),
    "check": ("Check", "الفحص"),
    "what": ("What it confirms", "ما يؤكّده"),
    "verdict": ("Verdict", "النتيجة"),
    "items": ("Items examined", "العناصر المفحوصة"),
    "advice": ("What to do", "ماذا تفعل"),
    "problems": ("Problems found", "المشكلات التي وُجدت"),
    "fingerprint": ("Record fingerprint (SHA-256 of record.json)", "بصمة السجل (SHA-256 لملف record.json)"),
    "fingerprint_help": (
        "Compare it with the fingerprint the election officials announced and other observers found: "
        "the same fingerprint means the same record.",
        "قارنها بالبصمة التي أعلنها مسؤولو الانتخابات وبما وجده مراقبون آخرون: البصمة نفسها تعني السجل نفسه.",
    ),
    "record": ("Record", "السجل"),
    "format": ("Format", "الصيغة"),
    "title": ("Verification report", "تقرير التحقق"),
    "warnings": ("Warnings", "تنبيهات"),
    "partial": ("Partial record", "سجل جزئي"),
    "how": (
        "Made by the Nazaha verifier, which recomputes every proof of the ElectionGuard specification from "
        "the published record alone.",
        "أعدّه مدقّق نزاهة، الذي يعيد حساب كل براهين مواصفة ElectionGuard من السجل المنشور وحده.",
    ),
    "print": ("Print this report", "اطبع هذا التقرير"),
    "not_checked": ("not checked", "لم يُفحص"),
}

_GENERIC = ("", "الفحص {number} من المواصفة: ")


def _pick(pair: tuple[str, str], language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use ar or en")
    return pair[0] if language == "en" else pair[1]


def word(key: str, language: str) -> str:
    """A fixed word of the report (``valid``, ``advice``...) in ``language``."""
    return _pick(_WORDS[key], language)


@dataclass(frozen=True, slots=True)
class PlainLine:
    number: str
    status: Status
    verdict: str
    line: str
    advice: str
    """What to do, only when the check failed."""
    problems: tuple[str, ...]


def _line(result: CheckResult, language: str) -> str:
    pair = _LINES.get(result.check.number)
    if pair is not None:
        return _pick(pair, language)
    lead = _pick(_GENERIC, language).format(number=result.check.number)
    return lead + result.check.title


def plain_lines(report: Report, language: str) -> list[PlainLine]:
    """One plain line per check of ``report``, in ``language`` ("ar" or "en")."""
    lines = []
    for result in report.results:
        advice = ""
        if result.status is Status.FAILED:
            advice = _pick(_ADVICE.get(result.check.number, _ASK), language)
        lines.append(
            PlainLine(
                number=result.check.number,
                status=result.status,
                verdict=_pick(_VERDICTS[result.status], language),
                line=_line(result, language),
                advice=advice,
                problems=tuple(f"{f.label} · {f.subject}: {f.message}" for f in result.failures),
            )
        )
    return lines


def verdict_line(report: Report, language: str) -> str:
    return word("valid" if report.ok else "invalid", language)


def strings_document() -> dict[str, Any]:
    """Every plain-language string, for the browser verifier (the same words as the CLI)."""
    return {
        language: {
            "lines": {number: _pick(pair, language) for number, pair in _LINES.items()},
            "advice": {number: _pick(pair, language) for number, pair in _ADVICE.items()},
            "ask": _pick(_ASK, language),
            "verdicts": {status.value: _pick(pair, language) for status, pair in _VERDICTS.items()},
            "words": {key: _pick(pair, language) for key, pair in _WORDS.items()},
        }
        for language in LANGUAGES
    }
