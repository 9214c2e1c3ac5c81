"""The words of the browser verifier's page, in Arabic and English (kept apart from the booth's).

The checks' plain-language lines and advice come from ``nazaha.verify.plain``, the same words
``nazaha verify --language`` prints; these are the page's own (headings, progress, errors).
"""

from __future__ import annotations

from typing import Any

from nazaha.verify.plain import strings_document

__all__ = ["UI", "verifier_strings"]

UI: dict[str, dict[str, str]] = {
    "en": {
        "title": "Verify an election record",
        "lead": "Choose the record of an election (the zip file the ballot box publishes). This page checks every "
        "proof in it, here on your computer: nothing is sent anywhere, and it works offline.",
        "choose": "Election record (zip file)",
        "independent": "This verifier is written separately from the voting booth: it shares no code with the booth "
        "beyond the standard arithmetic and hash of ElectionGuard 2.1, so a faulty booth cannot make it agree.",
        "download": "Download this verifier as one file to use offline",
        "home": "Nazaha ballot box",
        "switch": "العربية",
        "switch_lang": "ar",
        "reading": "Reading {name}…",
        "progress_election": "Checking the election's keys and parameters…",
        "progress_ballots": "Checked {done} of {total} ballots…",
        "progress_board": "Checking the bulletin board, the signatures and the tally…",
        "finished": "Finished in {seconds} seconds.",
        "unreadable": "The file could not be read as an election record: {problem}",
        "verdict_valid": "VALID: every check that applies passed.",
        "verdict_invalid": "INVALID: the record fails the checks marked below.",
        "verdict_incomplete": "NOT FULLY CHECKED: no check failed, but some could not be run (marked below).",
        "verdict_unreadable": "UNREADABLE: this is not an election record this verifier can read.",
        "not_checked_help": "This verifier could not run this check on this record; use nazaha verify for it.",
        "cli": "The same checks on the command line, with the same words:",
        "noscript": "This verifier needs JavaScript, which is off in this browser. Turn it on, or use the "
        "command-line verifier: nazaha verify RECORD.zip",
    },
    "ar": {
        "title": "التحقق من سجل انتخابات",
        "lead": "اختر سجل الانتخابات (ملف zip الذي ينشره صندوق الاقتراع). تفحص هذه الصفحة كل برهان فيه على حاسوبك "
        "هنا: لا يُرسل شيء إلى أي مكان، وهي تعمل دون اتصال.",
        "choose": "سجل الانتخابات (ملف zip)",
        "independent": "كُتب هذا المدقّق بمعزل عن جهاز التصويت: لا يشاركه أي شيفرة سوى الحساب والبصمة القياسيين في "
        "مواصفة ElectionGuard 2.1، فلا يستطيع جهاز تصويت معيب أن يجعله يوافقه.",
        "download": "نزّل هذا المدقّق ملفًا واحدًا لاستعماله دون اتصال",
        "home": "صندوق اقتراع نزاهة",
        "switch": "English",
        "switch_lang": "en",
        "reading": "جارٍ قراءة {name}…",
        "progress_election": "جارٍ فحص مفاتيح الانتخابات ومعاملاتها…",
        "progress_ballots": "فُحصت {done} من {total} ورقة…",
        "progress_board": "جارٍ فحص لوحة الإعلانات والتواقيع والفرز…",
        "finished": "انتهى الفحص في {seconds} ثانية.",
        "unreadable": "تعذّرت قراءة الملف سجلًا للانتخابات: {problem}",
        "verdict_valid": "صالح: نجح كل فحص ينطبق على هذا السجل.",
        "verdict_invalid": "غير صالح: يفشل السجل في الفحوص المعلَّمة أدناه.",
        "verdict_incomplete": "لم يُفحص كاملًا: لم يفشل أي فحص، لكن تعذّر إجراء بعضها (معلَّمة أدناه).",
        "verdict_unreadable": "غير مقروء: ليس هذا سجل انتخابات يستطيع هذا المدقّق قراءته.",
        "not_checked_help": "لم يستطع هذا المدقّق إجراء هذا الفحص على هذا السجل؛ استعمل nazaha verify لإجرائه.",
        "cli": "الفحوص نفسها في سطر الأوامر، بالكلمات نفسها:",
        "noscript": "يحتاج هذا المدقّق إلى JavaScript، وهي معطّلة في هذا المتصفح. فعّلها، أو استعمل مدقّق سطر "
        "الأوامر: nazaha verify RECORD.zip",
    },
}


def verifier_strings() -> dict[str, Any]:
    """Everything the page's script shows: its own words and the checks' plain lines."""
    return {"ui": UI, "checks": strings_document()}
