"""The pages' words in Arabic and English, and numbers and dates written the way each reads them.

Arabic pages run right to left and write numbers with Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩) and the
Arabic thousands separator; English pages run left to right with Western digits. Dates are shown
in UTC, with the month's name in the page's language. Candidate and contest names come from the
manifest, which carries them in both languages.
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["LANGUAGES", "Catalog", "catalog", "direction", "format_date", "format_number", "format_percent"]

LANGUAGES = ("ar", "en")

_ARABIC_DIGITS = str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫")

_MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "ar": [
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ],
}  # fmt: skip

Catalog = dict[str, str]

_TEXTS: dict[str, Catalog] = {
    "en": {
        "site": "Nazaha",
        "tagline": "Verifiable elections",
        "skip": "Skip to the main content",
        "language_other": "العربية",
        "language_other_code": "ar",
        "elections": "Elections",
        "no_elections": "No election has been created yet.",
        "state": "State",
        "state_setup": "Being set up",
        "state_open": "Voting is open",
        "state_closed": "Voting is closed",
        "state_decrypting": "Counting",
        "state_published": "Results published",
        "vote": "Vote",
        "board": "Bulletin board",
        "results": "Results",
        "status": "Election status",
        "timeline": "Timeline",
        "created": "Election created",
        "first_ballot": "First ballot received",
        "last_entry": "Latest board entry",
        "closed_at": "Voting closed",
        "published_at": "Results published",
        "not_yet": "not yet",
        "guardians": "Guardians",
        "quorum": "Any {k} of {n} guardians can decrypt",
        "board_head": "Head of the board's hash chain",
        "board_length": "Entries on the board",
        "extended_hash": "Election hash (H_E)",
        "position": "Position",
        "kind": "Entry",
        "kind_ballot": "ballot received",
        "kind_cast": "cast",
        "kind_challenge": "challenged",
        "kind_close": "voting closed",
        "code": "Confirmation code",
        "recorded_at": "Recorded at",
        "entry_hash": "Entry hash",
        "search": "Search by confirmation code",
        "search_button": "Search",
        "previous_page": "Previous page",
        "next_page": "Next page",
        "page_of": "Page {page} of {pages}",
        "no_entries": "No entries match.",
        "results_pending": "The results are not published yet.",
        "option": "Option",
        "votes": "Votes",
        "share": "Share",
        "share_of_votes": "Share of the votes",
        "share_note": "Each voter could choose up to {n} here: the shares are of all the votes, not of the voters.",
        "cast_ballots": "Ballots cast",
        "chart_label": "Votes for each option in {contest}",
        "download_record": "Download the election record",
        "verify_title": "Check the count yourself",
        "verify_text": "Anyone can check that every ballot was counted as cast and that the results are right. "
        "Download the election record, install Nazaha from its published source code (Python 3.11: {install} in "
        "the source folder; any other ElectionGuard 2.1 verifier will do as well), then run:",
        "verify_browser": "Or check the record in your browser, on your own computer:",
        "verify_page": "the verifier page",
        "verify_after": "It checks every proof of the specification and prints what, if anything, failed.",
        # the booth
        "booth_title": "Your ballot",
        "booth_intro": "Mark your choices. Your ballot is encrypted on this device: the server never sees your vote.",
        "choose_style": "Your district",
        "choose_up_to": "Choose up to {n}.",
        "choose_one": "Choose one.",
        "limit_reached": "You have chosen {n}, the most this contest allows. Unmark a choice to pick another.",
        "review": "Review my choices",
        "review_title": "Check your choices",
        "no_choice": "No choice (blank)",
        "edit": "Change my choices",
        "encrypt": "Encrypt my ballot",
        "encrypting": "Encrypting your ballot on this device… {seconds} s",
        "encrypting_progress": "Encrypting your ballot on this device: {percent}% done ({seconds} s)",
        "problem_not-eligible": "The ballot box refused this ballot: it is not signed by a valid credential of "
        "this election (mistyped, replaced or of another election).",
        "problem_already": "This credential has already cast a ballot; an election allows one.",
        "problem_conflict": "The ballot box refused this step: the election is not in a state that allows it.",
        "problem_other": "The ballot box refused the request.",
        "encrypted_in": "Encrypted on this device in {seconds} seconds.",
        "code_title": "Your confirmation code",
        "code_help": "Write down at least its first 8 characters. After casting, the bulletin board finds the "
        "code by them, in any grouping or case.",
        "cast": "Cast my ballot",
        "challenge": "Challenge: show what was encrypted",
        "decide_help": "Cast to count this ballot. Or challenge it to check that this device encrypted your choices; "
        "a challenged ballot is not counted and you vote again.",
        "receipt_title": "Your ballot is cast",
        "receipt_text": "Keep your confirmation code. The bulletin board lists it at position {position}.",
        "see_on_board": "See it on the bulletin board",
        "download_receipt": "Download the signed receipt",
        "print_receipt": "Print the receipt",
        "saved_receipt": "Your last receipt on this device",
        "saved_text": "Cast at position {position} of the bulletin board.",
        "forget_receipt": "Forget it on this device",
        "receipt_qr": "Scan this code with a phone's camera to find your ballot on the bulletin board.",
        "challenged_title": "Your ballot was challenged and opened",
        "challenged_text": "The booth says it encrypted these choices. Do not take its word for it: open the "
        "challenge checker on another device (a phone, an observer's computer) with the code and the nonce below; "
        "it fetches the encrypted ballot from the ballot box and opens it itself. If what it shows is not what you "
        "chose, tell an election official. This ballot will not be counted.",
        "check_link": "Open the challenge checker (on another device)",
        "check_title": "Challenge checker",
        "check_intro": "Check a challenged ballot yourself. Type its confirmation code and the ballot nonce that the "
        "booth showed after the challenge. This page fetches the encrypted ballot from the ballot box and opens it "
        "in this browser with that nonce: it shows what the booth really encrypted. After the count it also compares "
        "the ballot with the guardians' decryption of it.",
        "check_noscript": "The checker needs JavaScript to open the ballot in this browser.",
        "check_nonce": "Ballot nonce (64 characters)",
        "check_nonce_help": "After the count you may leave it empty: the page then shows the guardians' decryption "
        "of the ballot.",
        "check_button": "Check the ballot",
        "check_format": "The code and the nonce each have 64 characters (0 to 9 and A to F).",
        "check_running": "Fetching the ballot and opening it…",
        "check_not_challenged": "The ballot box has no challenged ballot with this code.",
        "check_match": "The nonce opens this ballot: this is what the booth encrypted.",
        "check_mismatch": "This nonce does not open this ballot: the opening is not the ballot's own. "
        "Tell an election official.",
        "check_need_nonce": "Type the ballot nonce too: the guardians have not decrypted this ballot yet. After the "
        "count the page can check it without the nonce.",
        "check_guardians_title": "The guardians' decryption",
        "check_guardians_pending": "The guardians have not decrypted this ballot yet; come back after the count to "
        "compare it with their decryption.",
        "check_guardians_agree": "The guardians decrypted this ballot after the count and found the same choices.",
        "check_guardians_opened": "The guardians decrypted this ballot after the count; it holds these choices. If "
        "they are not the ones you chose, tell an election official.",
        "check_guardians_mismatch": "The guardians' published decryption does not match this encrypted ballot "
        "or the nonce above. Tell an election official.",
        "check_guardians_unopened": "The guardians decrypted the nonce that this ballot carries for them, and it does "
        "not open the ballot: the device that made it encrypted another nonce. Tell an election official.",
        "nonce": "Ballot nonce (anyone can use it to check the encryption)",
        "start_again": "Vote again",
        "voting_closed": "Voting is not open for this election.",
        "needs_secure": "This page needs a secure connection (HTTPS) to encrypt your ballot.",
        "error": "Something went wrong",
        "try_again": "Try again",
        # credentials (issue 14) and the booth's safeguards (issue 16)
        "noscript": "This booth needs JavaScript to encrypt your ballot on this device. Without it nothing can be "
        "marked or sent: turn JavaScript on, or ask an election official.",
        "credential_label": "Your voting credential",
        "credential_help": "Type the credential printed on your sheet (16 letters and digits; hyphens and spaces "
        "are optional), or scan the sheet's QR code. It never leaves this device: it signs your ballot here.",
        "credential_missing": "Type your credential first: this election accepts only ballots signed with a "
        "voter's credential.",
        "credential_length": "A credential has 16 characters; you typed {n}.",
        "credential_alphabet": "A credential uses only digits and the letters A to Z without U; check your sheet.",
        "credential_check": "This credential has a typo: its last character does not match the others. "
        "Check it against your sheet.",
        "credential_from_qr": "Credential read from the QR code.",
        "signing": "Signing your ballot with your credential…",
        "your_key": "Your credential's public key",
        "key_help": "The bulletin board lists every ballot under the public key that signed it. "
        "If it shows a ballot you did not cast, tell an election official.",
        "key_on_board": "See this key's ballots on the bulletin board",
        "search_credential": "Search by a credential's public key",
        "credential_results": "Ballots signed by the credential key",
        "eligibility": "Who may vote",
        "mode_open": "Anyone who reaches the ballot box (no credentials)",
        "mode_credentials": "Voters with a credential",
        "mode_devices": "Registered polling-place devices",
        "mode_both": "Voters with a credential, on registered devices",
        "policy_one-ballot": "one ballot per credential",
        "policy_revote": "re-voting allowed: a credential's last cast ballot counts",
        "credential_count": "Credentials on the public list",
        "credential_hash": "Hash of the credential list (SHA-256)",
        "keys_voted": "Credentials that voted",
        "keys_voted_of": "{k} of {n}",
        "kind_open": "voting opened",
        "kind_credential": "credential replaced",
        "kind_decrypt": "decryption round",
        # officials
        "admin": "Officials",
        "admin_login": "Officials' sign-in",
        "token": "Administrator token",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "bad_token": "That token is not valid.",
        "create_election": "Create an election",
        "create_help": "Upload the public files of the key ceremony (the election folder that {ceremony} "
        "writes: {files}).",
        "files": "Election files",
        "election_id": "Election identifier (optional)",
        "create": "Create",
        "open_voting": "Open voting",
        "close_voting": "Close voting",
        "tally": "Compute the encrypted tally",
        "start_decryption": "Start decryption with the guardians present",
        "present": "Guardians present",
        "ceremony": "Key ceremony",
        "ceremony_done": "Complete: {n} guardians published their keys and proofs.",
        "decryption": "Decryption",
        "guardian": "Guardian",
        "round_commit": "Commitments",
        "round_reveal": "Shares",
        "round_respond": "Responses",
        "done": "done",
        "waiting": "waiting",
        "absent": "absent",
        "guardian_help": "Guardians act from their own machines: {command}",
        "done_action": "Done.",
        "done_open": "Done: voting is open.",
        "confirm_close": "Close voting? No ballot can be cast after this, and it cannot be undone.",
        "confirm_tally": "Compute the encrypted tally? The count then goes to the guardians; it cannot be undone.",
        "confirm_decrypt": "Start the decryption with the guardians ticked? The others are then absent for this round.",
        "done_close": "Done: voting is closed.",
        "done_tally": "Done: the encrypted tally is computed.",
        "done_decrypt": "Done: the decryption has started; the guardians can act now.",
        "done_created": "Done. Election created:",
        "action_refused": "The ballot box refused this action.",
        "technical_detail": "Technical detail (in English)",
        "error_400": "The request could not be read",
        "error_401": "Sign-in needed",
        "error_403": "Not allowed",
        "error_404": "Not found",
        "error_409": "Not possible in the election's present state",
        "error_413": "The request is too large",
        "error_422": "Refused as invalid",
        "error_429": "Too many attempts: wait a moment and try again",
        "error_500": "Internal error",
        "error_503": "The ballot box's storage is unavailable; try again shortly",
    },
    "ar": {
        "site": "نزاهة",
        "tagline": "انتخابات قابلة للتحقق",
        "skip": "انتقل إلى المحتوى الرئيسي",
        "language_other": "English",
        "language_other_code": "en",
        "elections": "الانتخابات",
        "no_elections": "لم تُنشأ أي انتخابات بعد.",
        "state": "الحالة",
        "state_setup": "قيد الإعداد",
        "state_open": "التصويت مفتوح",
        "state_closed": "التصويت مغلق",
        "state_decrypting": "جارٍ الفرز",
        "state_published": "نُشرت النتائج",
        "vote": "صوّت",
        "board": "لوحة النشر",
        "results": "النتائج",
        "status": "حالة الانتخابات",
        "timeline": "الجدول الزمني",
        "created": "إنشاء الانتخابات",
        "first_ballot": "استلام أول ورقة اقتراع",
        "last_entry": "آخر قيد في اللوحة",
        "closed_at": "إغلاق التصويت",
        "published_at": "نشر النتائج",
        "not_yet": "لم يحدث بعد",
        "guardians": "الأمناء",
        "quorum": "يكفي {k} من {n} أمناء لفك التشفير",
        "board_head": "رأس سلسلة التجزئة في اللوحة",
        "board_length": "عدد القيود في اللوحة",
        "extended_hash": "بصمة الانتخابات (H_E)",
        "position": "الموضع",
        "kind": "القيد",
        "kind_ballot": "استلام ورقة",
        "kind_cast": "إدلاء",
        "kind_challenge": "تدقيق",
        "kind_close": "إغلاق التصويت",
        "code": "رمز التأكيد",
        "recorded_at": "وقت التسجيل",
        "entry_hash": "بصمة القيد",
        "search": "ابحث برمز التأكيد",
        "search_button": "بحث",
        "previous_page": "الصفحة السابقة",
        "next_page": "الصفحة التالية",
        "page_of": "الصفحة {page} من {pages}",
        "no_entries": "لا توجد قيود مطابقة.",
        "results_pending": "لم تُنشر النتائج بعد.",
        "option": "الخيار",
        "votes": "الأصوات",
        "share": "النسبة",
        "share_of_votes": "النسبة من الأصوات",
        "share_note": "كان لكل ناخب أن يختار حتى {n} هنا: النسب من مجموع الأصوات المعطاة، لا من عدد الناخبين.",
        "cast_ballots": "الأوراق المُدلى بها",
        "chart_label": "أصوات كل خيار في {contest}",
        "download_record": "تنزيل سجل الانتخابات",
        "verify_title": "تحقّق من الفرز بنفسك",
        "verify_text": "يمكن لأي شخص أن يتحقق من أن كل ورقة حُسبت كما أُدلي بها وأن النتائج صحيحة. "
        "نزّل سجل الانتخابات، وثبّت نزاهة من شيفرتها المصدرية المنشورة (بايثون ٣٫١١: {install} في مجلد المصدر؛ "
        "ويصلح أي مدقّق آخر لمواصفة ElectionGuard 2.1)، ثم شغّل:",
        "verify_browser": "أو افحص السجل في متصفحك، على حاسوبك أنت:",
        "verify_page": "صفحة المدقّق",
        "verify_after": "يتحقق الأمر من كل براهين المواصفة ويذكر ما فشل منها إن وُجد.",
        "booth_title": "ورقة اقتراعك",
        "booth_intro": "اختر ما تريد. تُشفَّر ورقتك على هذا الجهاز، ولا يرى الخادم صوتك أبدًا.",
        "choose_style": "دائرتك",
        "choose_up_to": "اختر حتى {n}.",
        "choose_one": "اختر واحدًا.",
        "limit_reached": "اخترت {n}، وهو أقصى ما تسمح به هذه المنافسة. ألغِ اختيارًا لتختار غيره.",
        "review": "راجع اختياراتي",
        "review_title": "تحقّق من اختياراتك",
        "no_choice": "بلا اختيار (ورقة بيضاء)",
        "edit": "غيّر اختياراتي",
        "encrypt": "شفّر ورقتي",
        "encrypting": "جارٍ تشفير ورقتك على هذا الجهاز… {seconds} ث",
        "encrypting_progress": "جارٍ تشفير ورقتك على هذا الجهاز: أُنجز {percent}٪ ({seconds} ث)",
        "problem_not-eligible": "رفض صندوق الاقتراع هذه الورقة: ليست موقّعة ببيانات اعتماد صالحة لهذه الانتخابات "
        "(خطأ في الكتابة، أو بيانات مستبدلة، أو لانتخابات أخرى).",
        "problem_already": "أُدلي بورقة ببيانات الاعتماد هذه من قبل؛ ولا تسمح الانتخابات إلا بورقة واحدة.",
        "problem_conflict": "رفض صندوق الاقتراع هذه الخطوة: حالة الانتخابات لا تسمح بها.",
        "problem_other": "رفض صندوق الاقتراع الطلب.",
        "encrypted_in": "شُفّرت على هذا الجهاز في {seconds} ثانية.",
        "code_title": "رمز التأكيد الخاص بك",
        "code_help": "دوّن أول ٨ رموز منه على الأقل. بعد الإدلاء تجده لوحة النشر بها، مهما كان تقسيمها أو حالة أحرفها.",
        "cast": "أدلِ بصوتي",
        "challenge": "دقّق الورقة: أظهر ما شُفّر",
        "decide_help": "أدلِ بالورقة لتُحسب، أو دقّقها لتتأكد أن هذا الجهاز شفّر اختياراتك؛ "
        "الورقة المدقّقة لا تُحسب وتصوّت من جديد.",
        "receipt_title": "أُدلي بصوتك",
        "receipt_text": "احتفظ برمز التأكيد. تُدرجه لوحة النشر في الموضع {position}.",
        "see_on_board": "اعرضه في لوحة النشر",
        "download_receipt": "نزّل الإيصال الموقّع",
        "print_receipt": "اطبع الإيصال",
        "saved_receipt": "آخر إيصال لك على هذا الجهاز",
        "saved_text": "أُدلي بها في الموضع {position} من لوحة النشر.",
        "forget_receipt": "احذفه من هذا الجهاز",
        "receipt_qr": "امسح هذا الرمز بكاميرا الهاتف لتجد ورقتك في لوحة النشر.",
        "challenged_title": "دُقّقت ورقتك وفُتحت",
        "challenged_text": "تقول المقصورة إنها شفّرت هذه الاختيارات. لا تكتفِ بقولها: افتح مدقّق الأوراق على جهاز "
        "آخر (هاتف أو حاسوب مراقب) برمز التأكيد والرقم العشوائي أدناه؛ فهو يجلب الورقة المشفّرة من صندوق الاقتراع "
        "ويفتحها بنفسه. إن لم يكن ما يعرضه هو ما اخترته فأبلغ أحد مسؤولي الانتخابات. لن تُحسب هذه الورقة.",
        "check_link": "افتح مدقّق الأوراق (على جهاز آخر)",
        "check_title": "مدقّق الأوراق",
        "check_intro": "دقّق بنفسك ورقة جرى تدقيقها. اكتب رمز التأكيد والرقم العشوائي للورقة اللذين عرضتهما المقصورة "
        "بعد التدقيق. تجلب هذه الصفحة الورقة المشفّرة من صندوق الاقتراع وتفتحها في هذا المتصفح بذلك الرقم: فتعرض ما "
        "شفّرته المقصورة حقًّا. وبعد الفرز يقارنها أيضًا بما فكّ الأمناء تشفيره منها.",
        "check_noscript": "يحتاج المدقّق إلى جافاسكربت لفتح الورقة في هذا المتصفح.",
        "check_nonce": "الرقم العشوائي للورقة (٦٤ رمزًا)",
        "check_nonce_help": "بعد الفرز يمكنك تركه فارغًا: تعرض الصفحة حينئذٍ ما فكّ الأمناء تشفيره من الورقة.",
        "check_button": "دقّق الورقة",
        "check_format": "لكلٍّ من الرمز والرقم العشوائي ٦٤ رمزًا (من 0 إلى 9 ومن A إلى F).",
        "check_running": "جارٍ جلب الورقة وفتحها…",
        "check_not_challenged": "ليس في صندوق الاقتراع ورقة مدقّقة بهذا الرمز.",
        "check_match": "الرقم العشوائي يفتح هذه الورقة: هذا ما شفّرته المقصورة.",
        "check_mismatch": "هذا الرقم العشوائي لا يفتح هذه الورقة: ليس هذا فتحها الحقيقي. أبلغ أحد مسؤولي الانتخابات.",
        "check_need_nonce": "اكتب الرقم العشوائي للورقة أيضًا: لم يفكّ الأمناء تشفير هذه الورقة بعد. وبعد الفرز تستطيع "
        "الصفحة تدقيقها دون الرقم العشوائي.",
        "check_guardians_title": "فك الأمناء للتشفير",
        "check_guardians_pending": "لم يفكّ الأمناء تشفير هذه الورقة بعد؛ عُد بعد الفرز لتقارنها بما يفكّونه منها.",
        "check_guardians_agree": "فكّ الأمناء تشفير هذه الورقة بعد الفرز فوجدوا الاختيارات نفسها.",
        "check_guardians_opened": "فكّ الأمناء تشفير هذه الورقة بعد الفرز، وهذه اختياراتها. إن لم تكن ما اخترته "
        "فأبلغ أحد مسؤولي الانتخابات.",
        "check_guardians_mismatch": "ما نشره الأمناء من فك تشفير هذه الورقة لا يطابق الورقة المشفّرة أو الرقم العشوائي "
        "أعلاه. أبلغ أحد مسؤولي الانتخابات.",
        "check_guardians_unopened": "فكّ الأمناء الرقم العشوائي الذي تحمله هذه الورقة لهم، فلم يفتحها: الجهاز الذي "
        "صنعها شفّرها برقم آخر. أبلغ أحد مسؤولي الانتخابات.",
        "nonce": "رقم الورقة العشوائي (يمكن لأي شخص التحقق به من التشفير)",
        "start_again": "صوّت من جديد",
        "voting_closed": "التصويت غير مفتوح في هذه الانتخابات.",
        "needs_secure": "تحتاج هذه الصفحة إلى اتصال آمن (HTTPS) لتشفير ورقتك.",
        "error": "حدث خطأ",
        "try_again": "حاول مرة أخرى",
        "noscript": "تحتاج مقصورة الاقتراع هذه إلى جافاسكربت لتشفير ورقتك على هذا الجهاز. من دونها لا يمكن "
        "التأشير على أي اختيار ولا إرسال شيء: فعّل جافاسكربت أو اطلب مساعدة أحد مسؤولي الانتخابات.",
        "credential_label": "بيانات اعتماد التصويت الخاصة بك",
        "credential_help": "اكتب بيانات الاعتماد المطبوعة في ورقتك (١٦ حرفًا لاتينيًا ورقمًا؛ الشرطات والمسافات "
        "اختيارية)، أو امسح رمز QR المطبوع فيها. لا تغادر هذا الجهاز: تُوقَّع بها ورقتك هنا.",
        "credential_missing": "اكتب بيانات الاعتماد أولًا: لا تقبل هذه الانتخابات إلا أوراقًا موقّعة ببيانات اعتماد ناخب.",
        "credential_length": "بيانات الاعتماد ١٦ رمزًا؛ كتبتَ {n}.",
        "credential_alphabet": "لا تحوي بيانات الاعتماد إلا أرقامًا وحروفًا لاتينية من A إلى Z عدا U؛ راجع ورقتك.",
        "credential_check": "في بيانات الاعتماد خطأ في الكتابة: رمزها الأخير لا يطابق ما قبله. قارنها بورقتك.",
        "credential_from_qr": "قُرئت بيانات الاعتماد من رمز QR.",
        "signing": "جارٍ توقيع ورقتك ببيانات اعتمادك…",
        "your_key": "المفتاح العام لبيانات اعتمادك",
        "key_help": "تعرض لوحة النشر كل ورقة تحت المفتاح العام الذي وقّعها. إن رأيت ورقة لم تُدلِ بها فأبلغ أحد "
        "مسؤولي الانتخابات.",
        "key_on_board": "اعرض أوراق هذا المفتاح في لوحة النشر",
        "search_credential": "ابحث بالمفتاح العام لبيانات اعتماد",
        "credential_results": "الأوراق الموقّعة بمفتاح بيانات الاعتماد",
        "eligibility": "من يحق له التصويت",
        "mode_open": "كل من يصل إلى صندوق الاقتراع (بلا بيانات اعتماد)",
        "mode_credentials": "الناخبون الحاملون لبيانات اعتماد",
        "mode_devices": "أجهزة مراكز الاقتراع المسجّلة",
        "mode_both": "الناخبون الحاملون لبيانات اعتماد، على أجهزة مسجّلة",
        "policy_one-ballot": "ورقة واحدة لكل بيانات اعتماد",
        "policy_revote": "يُسمح بإعادة التصويت: تُحسب آخر ورقة أُدلي بها",
        "credential_count": "عدد بيانات الاعتماد في القائمة العامة",
        "credential_hash": "بصمة قائمة بيانات الاعتماد (SHA-256)",
        "keys_voted": "بيانات الاعتماد التي صوّتت",
        "keys_voted_of": "{k} من {n}",
        "kind_open": "فتح التصويت",
        "kind_credential": "استبدال بيانات اعتماد",
        "kind_decrypt": "جولة فك التشفير",
        "admin": "المسؤولون",
        "admin_login": "دخول المسؤولين",
        "token": "رمز المسؤول",
        "sign_in": "دخول",
        "sign_out": "خروج",
        "bad_token": "هذا الرمز غير صالح.",
        "create_election": "إنشاء انتخابات",
        "create_help": "ارفع الملفات العامة لمراسم المفاتيح (مجلد الانتخابات الذي يكتبه الأمر {ceremony}: {files}).",
        "files": "ملفات الانتخابات",
        "election_id": "معرّف الانتخابات (اختياري)",
        "create": "أنشئ",
        "open_voting": "افتح التصويت",
        "close_voting": "أغلق التصويت",
        "tally": "احسب المجموع المشفّر",
        "start_decryption": "ابدأ فك التشفير بالأمناء الحاضرين",
        "present": "الأمناء الحاضرون",
        "ceremony": "مراسم المفاتيح",
        "ceremony_done": "اكتملت: نشر {n} أمناء مفاتيحهم وبراهينهم.",
        "decryption": "فك التشفير",
        "guardian": "الأمين",
        "round_commit": "الالتزامات",
        "round_reveal": "الحصص",
        "round_respond": "الردود",
        "done": "تم",
        "waiting": "بانتظار",
        "absent": "غائب",
        "guardian_help": "يعمل الأمناء من أجهزتهم: {command}",
        "done_action": "تم.",
        "done_open": "تم: فُتح التصويت.",
        "confirm_close": "إغلاق التصويت؟ لن تُقبل بعده أي ورقة، ولا رجوع عنه.",
        "confirm_tally": "حساب المجموع المشفّر؟ ينتقل الفرز بعده إلى الأمناء، ولا رجوع عنه.",
        "confirm_decrypt": "بدء فك التشفير بالأمناء المؤشَّر عليهم؟ يُعدّ الآخرون غائبين في هذه الجولة.",
        "done_close": "تم: أُغلق التصويت.",
        "done_tally": "تم: حُسب المجموع المشفّر.",
        "done_decrypt": "تم: بدأ فك التشفير، ويمكن للأمناء العمل الآن.",
        "done_created": "تم. أُنشئت الانتخابات:",
        "action_refused": "رفض صندوق الاقتراع هذا الإجراء.",
        "technical_detail": "التفاصيل التقنية (بالإنجليزية)",
        "error_400": "تعذّرت قراءة الطلب",
        "error_401": "يلزم تسجيل الدخول",
        "error_403": "غير مسموح",
        "error_404": "غير موجود",
        "error_409": "غير ممكن في حالة الانتخابات الحالية",
        "error_413": "الطلب أكبر من المسموح",
        "error_422": "رُفض لأنه غير صالح",
        "error_429": "محاولات كثيرة: انتظر قليلًا ثم أعد المحاولة",
        "error_500": "خطأ داخلي",
        "error_503": "مخزن صندوق الاقتراع غير متاح؛ أعد المحاولة بعد قليل",
    },
}


def catalog(language: str) -> Catalog:
    return _TEXTS[language]


def direction(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


def format_number(value: float, language: str, decimals: int = 0) -> str:
    """1234567 → "1,234,567" (en) or "١٬٢٣٤٬٥٦٧" (ar)."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_ARABIC_DIGITS) if language == "ar" else text


def format_percent(share: float, language: str) -> str:
    """0.1605 → "16.1%" (en) or "١٦٫١٪" (ar, with the Arabic percent sign)."""
    return format_number(share * 100, language, 1) + ("٪" if language == "ar" else "%")


def format_date(iso: str | None, language: str) -> str:
    """An ISO 8601 UTC time as "29 November 2026, 08:00 UTC" in the page's language."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    month = _MONTHS[language][moment.month - 1]
    if language == "ar":
        text = f"{moment.day} {month} {moment.year}، {moment.hour:02d}:{moment.minute:02d} بالتوقيت العالمي"
        return text.translate(_ARABIC_DIGITS)
    return f"{moment.day} {month} {moment.year}, {moment.hour:02d}:{moment.minute:02d} UTC"
