"""The audit-board pages' texts in Arabic and English (kept apart from ``i18n.py``'s catalog)."""

from __future__ import annotations

__all__ = ["AUDIT_TEXTS", "audit_texts"]

AUDIT_TEXTS: dict[str, dict[str, str]] = {
    "ar": {
        "title": "لجنة التدقيق",
        "sign_in": "دخول لجنة التدقيق",
        "board": "اللجنة",
        "passcode": "رمز اللجنة",
        "member_1": "العضو الأول",
        "member_2": "العضو الثاني",
        "enter": "دخول",
        "sign_out": "خروج",
        "wrong": "اسم اللجنة أو رمزها غير صحيح.",
        "card": "البطاقة {read} من {total}",
        "container": "الصندوق",
        "position": "الترتيب في الصندوق",
        "paper_id": "رقم الورقة",
        "find": "ابحث عن الورقة التي تحمل هذا الرقم، واقرأ الاختيارات المعلَّمة عليها.",
        "outcome_read": "سجّل القراءة",
        "outcome_blank": "ورقة فارغة",
        "outcome_not_found": "لم نجد الورقة",
        "outcome_mismatch": "الورقة لا تطابق رقمها",
        "confirm": "أؤكّد هذه القراءة: {member}",
        "done": "قُرئت كل بطاقات هذه اللجنة في هذه الجولة. أبلغوا المسؤولين.",
        "entered": "سُجّلت القراءة.",
        "vote_for": "اختر حتى {n}",
    },
    "en": {
        "title": "Audit board",
        "sign_in": "Audit board sign-in",
        "board": "Board",
        "passcode": "Board passcode",
        "member_1": "First member",
        "member_2": "Second member",
        "enter": "Sign in",
        "sign_out": "Sign out",
        "wrong": "Wrong board name or passcode.",
        "card": "Card {read} of {total}",
        "container": "Container",
        "position": "Position in the container",
        "paper_id": "Paper id",
        "find": "Find the paper that carries this number and read the choices marked on it.",
        "outcome_read": "Record the reading",
        "outcome_blank": "Blank ballot",
        "outcome_not_found": "Ballot not found",
        "outcome_mismatch": "Ballot does not match its id",
        "confirm": "I confirm this reading: {member}",
        "done": "Every card of this board in this round is read. Tell the officials.",
        "entered": "Reading entered.",
        "vote_for": "Up to {n}",
    },
}


def audit_texts(language: str) -> dict[str, str]:
    return AUDIT_TEXTS[language]
