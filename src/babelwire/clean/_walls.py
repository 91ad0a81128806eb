"""Interstitials scrapers capture instead of the article: bot checks, consent, ad-blocker and login walls.

A sentence that asks the reader to prove they are human, accept cookies,
switch off an ad blocker, enable JavaScript, log in or subscribe is page
furniture, not reporting. Such sentences (and short wall-worded sentences
next to them) are cut from the body; when too little is left to be an
article, the page is a wall with at most a title in front of it, and the
input is rejected with that reason instead of becoming an article that would
cluster with every other copy of the same wall.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["cut_walls", "wall_kind", "WALL_KINDS", "MIN_ARTICLE_LETTERS"]

# kind -> phrases (regular expressions, case-insensitive) in the languages we see most. Each is
# specific enough not to occur in reporting *about* robots, cookies or advertising.
WALL_KINDS: dict[str, tuple[str, ...]] = {
    "bot check": (
        r"\b(?:i(?:['’]| a)m|you(?:['’]re| are)) not a robot\b", r"\bcaptcha\b", r"\bunusual traffic\b",
        r"\bverify (?:that )?you are (?:a )?human\b", r"\bamount of connections from the ip address\b",
        r"\bip address you are (?:connecting|using)\b", r"\baccess (?:to this page )?(?:has been )?denied\b",
        r"\bnie jestem robotem\b", r"\b(?:ilość|ilosc|liczbę|liczbe) połączeń\b", r"\badres(?:u)? ip,? z którego\b",
        r"\bich bin kein roboter\b", r"\bzugriff verweigert\b", r"\bno soy un robot\b", r"\bacceso denegado\b",
        r"\bje ne suis pas un robot\b", r"\baccès refusé\b", r"\bnon sono un robot\b", r"\bя не робот\b",
        r"\bben robot değilim\b", r"我不是机器人", r"人机验证",
    ),
    "ad-blocker wall": (
        # English: the reader's ad blocker, not the product ("publishers sued the ad blocker's maker")
        r"\byour ad ?-?block(?:er|ing)?\b", r"\byou(?:['’]re| are) (?:using|running) an? ad ?-?block(?:er)?\b",
        r"(?:^|(?<=[.!?…\n])|(?<=[.!?…]\s))\W*(?:please,? )?(?:disable|turn off|switch off|deactivate|pause) "
        r"(?:the |any |an? )?ad ?-?block",
        r"\bad ?-?block(?:er)? (?:was |has been )?detected\b",
        r"\b(?:disable|turn off) ad ?-?block(?:er)?\b",  # "disable AdBlock" names the reader's, wherever it stands
        r"\bwyłącz (?:ad ?-?block|ublock)", r"\bkorzystasz z (?:ad ?-?block|ublock)",  # Polish: "switch off", "you use"
        r"\bwerbeblocker\b", r"\bbloqueador de anuncios\b",
        r"\bbloqueur de publicités?\b", r"\bblocco (?:degli )?annunci\b", r"\bблокировщик рекламы\b",
        r"\breklam engelleyici\b", r"广告拦截",
    ),
    "cookie consent": (
        r"\b(?:this (?:site|website) )?uses? cookies\b", r"\benable cookies\b",
        r"\bcookies (?:are )?(?:required|disabled)\b",
        r"\bacceptez? (?:les )?cookies\b", r"\bsetzen auf unserer website cookies\b", r"\bverwendet cookies\b",
        r"\bverwendung von cookies\b", r"\bcookies (?:zu )?akzeptieren\b", r"\butiliza(?:mos)? cookies\b",
        r"\butilise (?:des )?cookies\b", r"\butilizza (?:i )?cookie\b", r"\bpliki(?:ów)? cookies?\b",
        r"\bиспользует (?:файлы )?cookie", r"\bçerez(?:ler)?i? kullan", r"启用\s*cookie", r"使用\s*cookie",
    ),
    "JavaScript required": (
        r"\benable javascript\b", r"\bjavascript (?:is )?(?:required|disabled)\b", r"\bhabilite javascript\b",
        r"\babilita(?:re)? javascript\b", r"\bactivez javascript\b", r"\bjavascript aktivieren\b",
        r"\bwłącz javascript\b", r"\bвключите javascript\b", r"\bjavascript'i etkinleştir",
    ),
    "login wall": (
        r"\bare you sure you want to log out\b", r"\b(?:log|sign) in to (?:continue|read)\b",
        r"\bzaloguj się,? aby\b", r"\bmelden sie sich an,? um\b", r"\binicia sesión para\b",
        r"\bconnectez-vous pour\b",
    ),
    "paywall": (
        r"\bsubscribe to (?:continue|keep) reading\b",
        r"\b(?:article|content) is (?:only )?(?:available )?for subscribers\b",
        r"\babonnenten vorbehalten\b", r"\bexclusivo para suscriptores\b", r"\bréservé aux abonnés\b",
        r"\briservato agli abbonati\b", r"\bdostępn\w* (?:tylko )?dla prenumeratorów\b",
    ),
}

# Words that belong to a wall when they stand next to one of its sentences (and only then).
_NEAR_WALL = re.compile(
    r"cookie|javascript|browser|adblock|ublock|robot|captcha|\bip\b|log ?in|sign ?(?:in|up)|password|username"
    r"|regist|subscri|suscr|abonn|abbon|prenumer|datenschutz|privacy|reklam|werbung|publicidad|pubblicit|publicit|zaloguj|hasło"
    r"|çerez|浏览器|广告|登录",
    re.IGNORECASE,
)
# A sentence ends at . ! ? before a space (not inside "example.com" or "10.5"), at CJK stops, or a line end.
_SENTENCE = re.compile(r".*?(?:[.!?…]+(?=\s|$)|[。！？]+|\n|$)")
_LETTER = re.compile(r"[^\W\d_]")
_MAX_NEAR = 300  # a longer sentence next to a wall is text, whatever words it uses
# A page whose text, walls cut, has fewer letters than this is a wall, not an article.
MIN_ARTICLE_LETTERS = 200


# kind -> anchors: lower-case literals of which every match of one of the kind's phrases holds at
# least one (tests/clean/test_walls.py checks this phrase by phrase). A text that holds no anchor of
# a kind, folded as IGNORECASE matching folds it, cannot match that kind, and is not searched for it:
# the alternations cost some 25 ns a character for each phrase, the anchors a few µs a text.
_AD_BLOCK = ("adblock", "ad block", "ad-block", "ad -block")
_ANCHORS: dict[str, tuple[str, ...]] = {
    "bot check": (
        "not a robot", "captcha", "unusual traffic", "verify you are", "verify that you are",
        "amount of connections from the ip address", "ip address you are", "access denied",
        "access has been denied", "access to this page denied", "access to this page has been denied",
        "nie jestem robotem", " połączeń", " ip z którego", " ip, z którego", "ich bin kein roboter",
        "zugriff verweigert", "no soy un robot", "acceso denegado", "je ne suis pas un robot", "accès refusé",
        "non sono un robot", "я не робот", "ben robot değilim", "我不是机器人", "人机验证",
    ),
    "ad-blocker wall": (
        *_AD_BLOCK, "wyłącz ublock", "korzystasz z ublock", "werbeblocker", "bloqueador de anuncios",
        "bloqueur de publicit", "blocco annunci", "blocco degli annunci", "блокировщик рекламы",
        "reklam engelleyici", "广告拦截",
    ),
    "cookie consent": ("cookie", "çerez"),
    "JavaScript required": ("javascript",),
    "login wall": (
        "are you sure you want to log out", "log in to ", "sign in to ", "zaloguj się", "melden sie sich an",
        "inicia sesión para", "connectez-vous pour",
    ),
    "paywall": (
        "subscribe to continue reading", "subscribe to keep reading", "for subscribers", "abonnenten vorbehalten",
        "exclusivo para suscriptores", "réservé aux abonnés", "riservato agli abbonati", "dla prenumeratorów",
    ),
}
# IGNORECASE matches a character when its one-character lower case equals the pattern's, or is in
# one of a few classes of lower-case letters that match each other (re/_casefix.py). str.lower()
# gives that lower case but for "İ" (to "i" plus a combining dot), and maps no class member onto
# another; _fold makes both agree with the regular expressions for the anchors' scripts.
_CASE_CLASSES = str.maketrans({
    "\u0131": "i", "\u017f": "s",  # ı, ſ
    "\u1c80": "в", "\u1c81": "д", "\u1c82": "о", "\u1c83": "с", "\u1c84": "т", "\u1c85": "т",
    "\u1c86": "ъ", "\u1c87": "ѣ",  # the old Cyrillic letter forms
})
_CLASS_MEMBER = re.compile("[\u0131\u017f\u1c80-\u1c87]")


def _fold(text: str) -> str:
    """Return ``text`` with every character the wall phrases' IGNORECASE matching takes for an
    anchor's character turned into that character (same length)."""
    folded = text.replace("\u0130", "i").lower()  # İ
    # translate() looks every character up (some 0.1 µs each): only where a class member is
    return folded.translate(_CASE_CLASSES) if _CLASS_MEMBER.search(folded) else folded


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile("|".join(f"(?:{p})" for p in phrases), re.IGNORECASE))
            for kind, phrases in WALL_KINDS.items()]


def _candidates(text: str) -> list[tuple[str, re.Pattern[str]]]:
    """Return the (kind, pattern) pairs that may match ``text``: those with an anchor in it, in order."""
    folded = _fold(text)
    return [(kind, pattern) for kind, pattern in _patterns() if any(a in folded for a in _ANCHORS[kind])]


def _kind(sentence: str, patterns: list[tuple[str, re.Pattern[str]]]) -> str | None:
    for kind, pattern in patterns:
        if pattern.search(sentence):
            return kind
    return None


def cut_walls(text: str) -> tuple[str, list[tuple[str, str]], str | None]:
    """Return ``text`` without wall sentences, the cut sentences with their kind, and the page's
    wall kind when what is left is too little to be an article (else None).

    A sentence is cut when it says a wall phrase (``WALL_KINDS``); or when it is short and
    either uses a wall word (cookies, log in, ad blocker, ...) within two sentences of a cut
    one, or stands between two cut ones.
    """
    patterns = _candidates(text)  # a sentence can only match a kind its whole text may match
    if not any(p.search(text) for _, p in patterns):
        return text, [], None
    sentences = [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]
    kinds: list[str | None] = [_kind(x, patterns) for x in sentences]
    changed = True
    while changed:  # spread to short wall-worded sentences near a wall, and to those between two walls
        changed = False
        for i, x in enumerate(sentences):
            if kinds[i] is not None or len(x) > _MAX_NEAR:
                continue
            before = [kinds[j] for j in (i - 1, i - 2) if j >= 0 and kinds[j] is not None]
            after = [kinds[j] for j in (i + 1, i + 2) if j < len(sentences) and kinds[j] is not None]
            if (before or after) and _NEAR_WALL.search(x) or (
                i > 0 and i + 1 < len(sentences) and kinds[i - 1] is not None and kinds[i + 1] is not None
            ):
                kinds[i] = (before or after)[0]
                changed = True
    kept: list[str] = []
    cuts: list[tuple[str, str]] = []
    letters: dict[str, int] = {}
    for x, kind in zip(sentences, kinds, strict=True):
        if kind is None:
            kept.append(x)
            continue
        if x.strip():
            cuts.append((x.strip(), kind))
            letters[kind] = letters.get(kind, 0) + len(_LETTER.findall(x))
        if x.endswith("\n"):
            kept.append("\n")
    rest = re.sub(r"[ \t]*\n[ \t\n]*", "\n", "".join(kept)).strip()
    wall = None
    if cuts and len(_LETTER.findall(rest)) < MIN_ARTICLE_LETTERS:
        wall = max(letters, key=lambda k: letters[k])
    return rest, cuts, wall


def wall_kind(cuts: list[tuple[str, str]]) -> str | None:
    """Return the kind whose cut sentences (sentence, kind) hold the most letters (None when none)."""
    letters: dict[str, int] = {}
    for sentence, kind in cuts:
        letters[kind] = letters.get(kind, 0) + len(_LETTER.findall(sentence))
    return max(letters, key=lambda k: letters[k]) if letters else None
