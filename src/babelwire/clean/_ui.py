"""Interface words of news sites in many languages: widgets, counters, share and follow prompts."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["is_ui_line", "has_ui_phrase", "UI_PREFIXES", "UI_ANYWHERE"]

# A short line that *starts* with one of these is page furniture, not article text.
UI_PREFIXES: dict[str, tuple[str, ...]] = {
    "en": ("comments", "comment", "add comment", "add a comment", "leave a comment", "related",
           "related news", "related articles", "related stories", "read more", "read also",
           "see also", "more news", "more from", "latest news", "top news", "top stories",
           "most read", "most popular", "trending", "share", "share this", "tweet",
           "follow us", "subscribe", "sign up", "sign in", "log in", "login", "register",
           "tags", "topics", "advertisement", "sponsored", "views", "menu", "search",
           "back to top", "next article", "previous article", "photo:", "video:", "loading",
           "you may also like", "recommended", "editor's picks", "copy link", "skip to",
           "breaking news", "newsletter"),
    "bg": ("коментари", "коментар", "добави", "добави коментар", "свързани новини",
           "свързани", "водещи новини", "водещи", "последни новини", "най-четени", "прочетете още",
           "прочети още", "още от", "виж още", "вижте още", "сподели", "последвайте",
           "последвай", "абонирайте", "етикети", "тагове", "реклама", "принтирай", "снимка:",
           "гледайте", "новини", "още новини", "най-коментирани", "преглеждания"),
    "ru": ("комментарии", "комментарий", "добавить комментарий", "оставить комментарий",
           "читайте также", "читайте еще", "читать далее", "похожие новости", "по теме",
           "главные новости", "последние новости", "самое читаемое", "популярное", "поделиться",
           "подписывайтесь", "подписаться", "теги", "реклама", "фото:", "просмотров",
           "просмотры", "новости партнеров", "все новости", "смотрите также"),
    "uk": ("коментарі", "коментар", "додати коментар", "читайте також", "читати далі",
           "схожі новини", "головні новини", "останні новини", "популярне", "поділитися",
           "підписуйтесь", "підписатися", "теги", "реклама", "фото:", "переглядів",
           "всі новини", "дивіться також"),
    "sr": ("коментари", "коментар", "остави коментар", "повезане вести", "прочитајте још",
           "најчитаније", "подели", "pročitajte još", "pročitajte i", "komentari", "komentar",
           "ostavi komentar", "povezane vesti", "povezane vijesti", "najčitanije", "podeli",
           "podijeli", "pratite nas", "oznake", "tagovi", "vezane vijesti", "najnovije vijesti",
           "najnovije vesti", "foto:", "pregleda"),
    "mk": ("коментари", "поврзани вести", "прочитај повеќе", "најчитани", "сподели", "следете"),
    "de": ("kommentare", "kommentar", "kommentieren", "weitere artikel", "mehr zum thema",
           "das könnte sie auch interessieren", "lesen sie auch", "auch interessant", "teilen",
           "folgen sie uns", "abonnieren", "anzeige", "werbung", "schlagworte", 
           "meistgelesen", "neueste artikel", "drucken", "foto:", "zur startseite", "mehr lesen",
           "artikel teilen", "newsletter"),
    "fr": ("commentaires", "commentaire", "ajouter un commentaire", "réagir", "lire aussi",
           "à lire aussi", "lire la suite", "voir aussi", "sur le même sujet", "articles liés",
           "les plus lus", "dernières infos", "partager", "suivez-nous", "abonnez-vous",
           "s'abonner", "publicité", "mots-clés", "imprimer", "photo :", "newsletter",
           "en continu", "à la une"),
    "es": ("comentarios", "comentario", "añadir comentario", "deja un comentario", "lee también",
           "leer más", "ver también", "te puede interesar", "noticias relacionadas",
           "lo más leído", "más leídas", "últimas noticias", "compartir", "síguenos",
           "suscríbete", "publicidad", "etiquetas", "imprimir", "foto:", "también te puede interesar"),
    "pt": ("comentários", "comentar", "adicionar comentário", "leia também", "leia mais",
           "veja também", "notícias relacionadas", "mais lidas", "últimas notícias",
           "compartilhar", "partilhar", "siga-nos", "assine", "publicidade", "tags", "imprimir",
           "foto:", "saiba mais"),
    "it": ("commenti", "commento", "lascia un commento", "leggi anche", "leggi tutto",
           "articoli correlati", "potrebbe interessarti", "i più letti", "ultime notizie",
           "condividi", "seguici", "iscriviti", "pubblicità", "tag", "foto:"),
    "pl": ("komentarze", "komentarz", "dodaj komentarz", "czytaj także", "czytaj też",
           "czytaj więcej", "zobacz także", "zobacz też", "powiązane", "najczęściej czytane",
           "najnowsze", "udostępnij", "obserwuj nas", "subskrybuj", "reklama", "tagi", "drukuj",
           "fot."),
    "cs": ("komentáře", "diskuse", "přečtěte si také", "související články", "nejčtenější",
           "sdílet", "sledujte nás", "reklama", "štítky", "foto:"),
    "tr": ("yorumlar", "yorum yap", "yorum", "ilgili haberler", "benzer haberler",
           "bunlar da ilginizi çekebilir", "devamını oku", "daha fazla", "çok okunanlar",
           "en çok okunanlar", "son dakika", "son haberler", "paylaş", "bizi takip edin",
           "abone ol", "reklam", "etiketler", "yazdır", "foto:", "okunma", "görüntülenme",
           "haberin devamı"),
    "az": ("şərhlər", "şərh yaz", "şərh", "oxşar xəbərlər", "digər xəbərlər", "son xəbərlər",
           "ən çox oxunanlar", "paylaş", "bizi izləyin", "abunə ol", "reklam", "teqlər",
           "xəbərlər", "baxış", "oxunub"),
    "ro": ("comentarii", "adaugă un comentariu", "citește și", "citeste si", "articole similare",
           "cele mai citite", "ultimele știri", "distribuie", "urmărește-ne", "abonează-te",
           "publicitate", "etichete"),
    "nl": ("reacties", "reageer", "lees ook", "lees meer", "gerelateerde artikelen",
           "meest gelezen", "laatste nieuws", "volg ons", "abonneer", "advertentie",
           "tags"),
    "id": ("komentar", "baca juga", "baca selengkapnya", "berita terkait", "terpopuler",
           "berita terkini", "bagikan", "ikuti kami", "berlangganan", "iklan", "tag", "artikel terkait",
           "simak juga", "lihat juga"),
    "sv": ("kommentarer", "läs också", "läs mer", "relaterade artiklar", "mest läst", 
           "följ oss", "prenumerera", "annons"),
    "no": ("kommentarer", "les også", "les mer", "relaterte artikler", "mest lest",
           "følg oss", "abonner", "annonse"),
    "da": ("kommentarer", "læs også", "læs mere", "relaterede artikler", "mest læste",
           "følg os", "abonnér", "annonce"),
    "hu": ("hozzászólások", "kommentek", "olvasd el", "kapcsolódó cikkek", "legolvasottabb",
           "megosztás", "kövess minket", "hirdetés", "címkék"),
    "el": ("σχόλια", "διαβάστε επίσης", "σχετικά άρθρα", "δημοφιλή", "κοινοποίηση",
           "ακολουθήστε μας", "διαφήμιση", "ετικέτες"),
    "ar": ("التعليقات", "تعليقات", "أضف تعليق", "اقرأ أيضا", "اقرأ أيضاً", "أخبار ذات صلة",
           "الأكثر قراءة", "آخر الأخبار", "شارك", "تابعنا", "اشترك", "إعلان", "الوسوم"),
    "zh": ("评论", "相关新闻", "相关阅读", "延伸阅读", "热门新闻", "最新新闻", "分享", "关注我们",
           "订阅", "广告", "标签", "责任编辑", "阅读", "點擊", "相關新聞", "評論"),
    "ja": ("コメント", "関連記事", "関連ニュース", "人気記事", "シェア", "フォロー", "広告"),
    "ko": ("댓글", "관련기사", "관련 기사", "많이 본 뉴스", "공유", "구독", "광고"),
}

# Phrases that mark a line as furniture wherever they appear and however long it is.
UI_ANYWHERE: tuple[str, ...] = (
    "cookie", "cookies", "all rights reserved", "©", "javascript", "your browser",
    "sign up for our", "subscribe to our", "follow us on", "download our app",
    "всички права запазени", "все права защищены", "всі права захищені", "alle rechte vorbehalten",
    "tous droits réservés", "todos los derechos reservados", "todos os direitos reservados",
    "tutti i diritti riservati", "wszelkie prawa zastrzeżone", "tüm hakları saklıdır",
    "bütün hüquqlar qorunur", "hak cipta dilindungi", "版权所有", "版權所有", "무단 전재",
    "unsere datenschutz", "politique de confidentialité", "política de privacidad",
    "подпишитесь на наш", "абонирайте се за", "telegram-канал", "телеграм канал",
    "abonnez-vous à notre", "suscríbete a nuestro", "iscriviti alla nostra",
)

_MAX_UI_WORDS = 8
_MAX_LABELLED_WORDS = 30
_MAX_ANYWHERE_WORDS = 40


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    prefixes = sorted({p for group in UI_PREFIXES.values() for p in group}, key=len, reverse=True)
    prefix = re.compile(r"^(?:" + "|".join(re.escape(p) for p in prefixes) + r")(?![^\W\d_])")
    anywhere = re.compile("|".join(re.escape(p) for p in sorted(UI_ANYWHERE, key=len, reverse=True)))
    return prefix, anywhere


_LEAD = re.compile(r"^[\W\d_]+")


def has_ui_phrase(text: str) -> bool:
    """Return True when ``text`` contains a phrase that marks furniture wherever it appears."""
    return _patterns()[1].search(text.lower()) is not None


def is_ui_line(line: str, words: int, anywhere_possible: bool = True) -> bool:
    """Return True when ``line`` (with ``words`` words) is site furniture such as a widget label.

    ``anywhere_possible=False`` skips the search for phrases such as "all rights reserved"
    when the caller already knows the whole text has none.
    """
    prefix, anywhere = _patterns()
    low = line.lower()
    # A long paragraph that mentions cookies or JavaScript is an article about them.
    if anywhere_possible and words <= _MAX_ANYWHERE_WORDS and anywhere.search(low):
        return True
    if words > _MAX_LABELLED_WORDS:
        return False
    rest = _LEAD.sub("", low)
    match = prefix.match(rest)
    if match is None:
        return False
    tail = rest[match.end():].lstrip()
    if tail[:1] in (":", "|", "："):
        return True  # "Read also: <headline>", however long the headline
    if words > _MAX_UI_WORDS:
        return False
    if words <= 3 or " " in match.group(0):
        return True
    # A lone generic word ("share", "tags") starts real sentences too; only count it
    # when a label separator or a number follows.
    return not tail or tail[0] in ":|-–—(" or tail[0].isdigit()
