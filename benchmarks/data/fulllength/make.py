#!/usr/bin/env python
"""Write the full-length benchmark set: articles.jsonl and html/*.html, from the sentences below.

    python benchmarks/data/fulllength/make.py      # rewrites the files next to it, deterministically

Twenty events, each reported by one outlet in each of eight languages (160 articles,
2,500-7,000 characters of body); every fifth article is written as an HTML page with
navigation, a cookie notice and a footer around it. The sentences are the team's own;
an article is its language's headline and lead for the event, then body sentences
drawn (seeded) from its language's templates, filled with the event's place, people,
organisation, day and figures, until its target length. Meant for speed figures (real
lengths, scripts and markup), not for judging quality: the bodies repeat their templates.
"""

from __future__ import annotations

import html
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (kind, place, person, organisation, day, figure)
EVENTS = [
    ("flood", "Valencia", "Carlos Mazón", "the regional emergency service", "2024-10-30", 214),
    ("flood", "Porto Alegre", "Eduardo Leite", "the civil defence", "2024-05-06", 147),
    ("quake", "Noto", "Fumio Kishida", "the meteorological agency", "2024-01-02", 7.5),
    ("quake", "Marrakesh", "Aziz Akhannouch", "the interior ministry", "2023-09-09", 6.8),
    ("rates", "Frankfurt", "Christine Lagarde", "the European Central Bank", "2024-06-06", 25),
    ("rates", "Washington", "Jerome Powell", "the Federal Reserve", "2024-09-18", 50),
    ("strike", "Paris", "Sophie Binet", "the CGT union", "2023-03-07", 1300000),
    ("strike", "Berlin", "Claus Weselsky", "the GDL train drivers' union", "2024-01-10", 3),
    ("fire", "Rhodes", "Kyriakos Mitsotakis", "the fire brigade", "2023-07-22", 19000),
    ("fire", "Maui", "Josh Green", "the county fire department", "2023-08-09", 97),
    ("vote", "Lisbon", "Luís Montenegro", "the national election commission", "2024-03-10", 29),
    ("vote", "The Hague", "Geert Wilders", "the electoral council", "2023-11-22", 37),
    ("vote", "Warsaw", "Donald Tusk", "the electoral commission", "2023-10-15", 74),
    ("final", "Berlin", "Álvaro Morata", "UEFA", "2024-07-14", 2),
    ("final", "London", "Jude Bellingham", "UEFA", "2024-06-01", 2),
    ("launch", "Kourou", "Josef Aschbacher", "the European Space Agency", "2024-07-09", 18),
    ("launch", "Boca Chica", "Elon Musk", "SpaceX", "2024-10-13", 71),
    ("crash", "Thessaly", "Kostas Karamanlis", "the railway operator", "2023-02-28", 57),
    ("crash", "Odisha", "Ashwini Vaishnaw", "Indian Railways", "2023-06-02", 288),
    ("merger", "Milan", "Carlo Messina", "the competition authority", "2024-11-25", 10),
]

OUTLETS = {
    "en": ("Harbour Post", "https://harbourpost.example/news"),
    "de": ("Rheinblick", "https://rheinblick.example/artikel"),
    "fr": ("Le Quotidien du Lac", "https://quotidiendulac.example/actu"),
    "es": ("Diario del Puerto", "https://diariodelpuerto.example/noticias"),
    "it": ("La Gazzetta del Ponte", "https://gazzettadelponte.example/notizie"),
    "pt": ("Folha do Cais", "https://folhadocais.example/noticias"),
    "nl": ("De Dijkkrant", "https://dijkkrant.example/nieuws"),
    "ru": ("Вечерний Берег", "https://vecherniy-bereg.example/news"),
}

# what the event is, as a noun phrase, per kind and language
THING = {
    "flood": {"en": "the floods", "de": "das Hochwasser", "fr": "les inondations", "es": "las inundaciones",
              "it": "l'alluvione", "pt": "as enchentes", "nl": "de overstromingen", "ru": "наводнение"},
    "quake": {"en": "the earthquake", "de": "das Erdbeben", "fr": "le séisme", "es": "el terremoto",
              "it": "il terremoto", "pt": "o terremoto", "nl": "de aardbeving", "ru": "землетрясение"},
    "rates": {"en": "the interest-rate cut", "de": "die Zinssenkung", "fr": "la baisse des taux",
              "es": "la bajada de tipos", "it": "il taglio dei tassi", "pt": "o corte de juros",
              "nl": "de renteverlaging", "ru": "снижение ставки"},
    "strike": {"en": "the strike", "de": "der Streik", "fr": "la grève", "es": "la huelga", "it": "lo sciopero",
               "pt": "a greve", "nl": "de staking", "ru": "забастовка"},
    "fire": {"en": "the wildfire", "de": "der Waldbrand", "fr": "l'incendie", "es": "el incendio",
             "it": "l'incendio", "pt": "o incêndio", "nl": "de bosbrand", "ru": "лесной пожар"},
    "vote": {"en": "the election", "de": "die Wahl", "fr": "l'élection", "es": "las elecciones",
             "it": "le elezioni", "pt": "as eleições", "nl": "de verkiezingen", "ru": "выборы"},
    "final": {"en": "the final", "de": "das Finale", "fr": "la finale", "es": "la final", "it": "la finale",
              "pt": "a final", "nl": "de finale", "ru": "финал"},
    "launch": {"en": "the rocket launch", "de": "der Raketenstart", "fr": "le lancement de la fusée",
               "es": "el lanzamiento del cohete", "it": "il lancio del razzo", "pt": "o lançamento do foguete",
               "nl": "de raketlancering", "ru": "запуск ракеты"},
    "crash": {"en": "the train crash", "de": "das Zugunglück", "fr": "l'accident ferroviaire",
              "es": "el accidente de tren", "it": "l'incidente ferroviario", "pt": "o acidente de trem",
              "nl": "het treinongeluk", "ru": "крушение поезда"},
    "merger": {"en": "the bank merger", "de": "die Bankenfusion", "fr": "la fusion bancaire",
               "es": "la fusión bancaria", "it": "la fusione bancaria", "pt": "a fusão bancária",
               "nl": "de bankfusie", "ru": "слияние банков"},
}

HEADLINE = {
    "en": "{Thing} in {place}: {person} speaks as {figure} figure dominates the day",
    "de": "{Thing} in {place}: {person} äußert sich, die Zahl {figure} bestimmt den Tag",
    "fr": "{Thing} à {place} : {person} s'exprime, le chiffre de {figure} domine la journée",
    "es": "{Thing} en {place}: {person} habla y la cifra de {figure} marca la jornada",
    "it": "{Thing} a {place}: parla {person}, la cifra di {figure} domina la giornata",
    "pt": "{Thing} em {place}: {person} fala e o número {figure} marca o dia",
    "nl": "{Thing} in {place}: {person} spreekt, het getal {figure} domineert de dag",
    "ru": "{Thing} в {place}: {person} выступил, цифра {figure} в центре внимания",
}

LEAD = {
    "en": "{place}, {date}. {Thing} was the main news on {date}, when {org} confirmed the figure of {figure} "
          "and {person} addressed reporters.",
    "de": "{place}, {date}. {Thing} war am {date} das beherrschende Thema, als {org} die Zahl {figure} bestätigte "
          "und {person} vor die Presse trat.",
    "fr": "{place}, {date}. {Thing} a dominé l'actualité le {date}, lorsque {org} a confirmé le chiffre de "
          "{figure} et que {person} s'est adressé à la presse.",
    "es": "{place}, {date}. {Thing} centró la actualidad el {date}, cuando {org} confirmó la cifra de {figure} "
          "y {person} compareció ante los periodistas.",
    "it": "{place}, {date}. {Thing} ha dominato la giornata del {date}, quando {org} ha confermato la cifra di "
          "{figure} e {person} ha parlato ai giornalisti.",
    "pt": "{place}, {date}. {Thing} dominou o noticiário em {date}, quando {org} confirmou o número de {figure} "
          "e {person} falou com os jornalistas.",
    "nl": "{place}, {date}. {Thing} beheerste het nieuws op {date}, toen {org} het getal {figure} bevestigde en "
          "{person} de pers te woord stond.",
    "ru": "{place}, {date}. {Thing} стало главной новостью {date}, когда {org} подтвердила цифру {figure}, "
          "а {person} обратился к журналистам.",
}

BODY = {
    "en": [
        "Officials in {place} said the situation was being reviewed hour by hour.",
        "{person} told reporters that {thing} would be remembered for a long time.",
        "According to {org}, the figure of {figure} could still change in the coming days.",
        "Residents described {thing} as the most significant event the region had seen in years.",
        "A spokesperson for {org} said that {n} specialists had been sent to {place}.",
        "Critics argued that warnings about {thing} had been ignored for months.",
        "Local businesses reported that {n} shops had closed their doors for the day.",
        "\"We are doing everything we can,\" {person} said during a brief press conference.",
        "Analysts said the consequences of {thing} would be felt well beyond {place}.",
        "The government promised an independent inquiry into how {thing} was handled.",
        "Volunteers gathered in the centre of {place} to offer help to those affected.",
        "By the evening, {org} had published a second statement with updated details.",
        "Television images showed crowds following {thing} from the streets of {place}.",
        "Several neighbouring countries offered assistance, including {n} experts.",
    ],
    "de": [
        "Die Behörden in {place} erklärten, die Lage werde stündlich neu bewertet.",
        "{person} sagte vor Journalisten, {thing} werde lange in Erinnerung bleiben.",
        "Nach Angaben von {org} könnte sich die Zahl {figure} in den kommenden Tagen noch ändern.",
        "Anwohner beschrieben {thing} als das wichtigste Ereignis der Region seit Jahren.",
        "Ein Sprecher von {org} teilte mit, dass {n} Fachleute nach {place} geschickt worden seien.",
        "Kritiker bemängelten, Warnungen vor {thing} seien monatelang ignoriert worden.",
        "Örtliche Händler berichteten, dass {n} Geschäfte für den Tag geschlossen blieben.",
        "„Wir tun alles, was wir können“, sagte {person} bei einer kurzen Pressekonferenz.",
        "Fachleute erwarten, dass die Folgen von {thing} weit über {place} hinaus spürbar sein werden.",
        "Die Regierung versprach eine unabhängige Untersuchung zum Umgang mit {thing}.",
        "Freiwillige versammelten sich im Zentrum von {place}, um den Betroffenen zu helfen.",
        "Am Abend veröffentlichte {org} eine zweite Erklärung mit neuen Einzelheiten.",
        "Fernsehbilder zeigten Menschenmengen, die {thing} auf den Straßen von {place} verfolgten.",
        "Mehrere Nachbarländer boten Unterstützung an, darunter {n} Experten.",
    ],
    "fr": [
        "Les autorités de {place} ont indiqué que la situation était réévaluée heure par heure.",
        "{person} a déclaré aux journalistes que {thing} resterait longtemps dans les mémoires.",
        "Selon {org}, le chiffre de {figure} pourrait encore évoluer dans les prochains jours.",
        "Les habitants ont décrit {thing} comme l'événement le plus marquant de la région depuis des années.",
        "Un porte-parole de {org} a précisé que {n} spécialistes avaient été envoyés à {place}.",
        "Des critiques ont estimé que les alertes sur {thing} avaient été ignorées pendant des mois.",
        "Les commerçants ont signalé que {n} magasins avaient fermé leurs portes pour la journée.",
        "« Nous faisons tout ce que nous pouvons », a affirmé {person} lors d'une brève conférence de presse.",
        "Selon les analystes, les conséquences de {thing} se feront sentir bien au-delà de {place}.",
        "Le gouvernement a promis une enquête indépendante sur la gestion de {thing}.",
        "Des bénévoles se sont rassemblés dans le centre de {place} pour aider les personnes touchées.",
        "Dans la soirée, {org} a publié un second communiqué avec des détails actualisés.",
        "Les images de télévision montraient des foules suivant {thing} dans les rues de {place}.",
        "Plusieurs pays voisins ont proposé leur aide, dont {n} experts.",
    ],
    "es": [
        "Las autoridades de {place} afirmaron que la situación se revisaba hora a hora.",
        "{person} dijo a los periodistas que {thing} se recordaría durante mucho tiempo.",
        "Según {org}, la cifra de {figure} aún podría cambiar en los próximos días.",
        "Los vecinos describieron {thing} como el acontecimiento más importante de la región en años.",
        "Un portavoz de {org} explicó que {n} especialistas habían sido enviados a {place}.",
        "Los críticos sostuvieron que las advertencias sobre {thing} se habían ignorado durante meses.",
        "Los comercios locales informaron de que {n} tiendas cerraron sus puertas ese día.",
        "«Estamos haciendo todo lo posible», dijo {person} en una breve rueda de prensa.",
        "Los analistas señalaron que las consecuencias de {thing} se notarán mucho más allá de {place}.",
        "El Gobierno prometió una investigación independiente sobre la gestión de {thing}.",
        "Decenas de voluntarios se reunieron en el centro de {place} para ayudar a los afectados.",
        "Por la tarde, {org} publicó un segundo comunicado con datos actualizados.",
        "Las imágenes de televisión mostraban multitudes siguiendo {thing} en las calles de {place}.",
        "Varios países vecinos ofrecieron ayuda, incluidos {n} expertos.",
    ],
    "it": [
        "Le autorità di {place} hanno detto che la situazione viene valutata ora per ora.",
        "{person} ha detto ai giornalisti che {thing} sarà ricordato a lungo.",
        "Secondo {org}, la cifra di {figure} potrebbe ancora cambiare nei prossimi giorni.",
        "I residenti hanno descritto {thing} come l'evento più importante della regione da anni.",
        "Un portavoce di {org} ha spiegato che {n} specialisti sono stati inviati a {place}.",
        "I critici sostengono che gli avvertimenti su {thing} siano stati ignorati per mesi.",
        "I commercianti hanno riferito che {n} negozi sono rimasti chiusi per tutta la giornata.",
        "«Stiamo facendo tutto il possibile», ha detto {person} durante una breve conferenza stampa.",
        "Gli analisti ritengono che le conseguenze de {thing} si sentiranno ben oltre {place}.",
        "Il governo ha promesso un'indagine indipendente sulla gestione de {thing}.",
        "Molti volontari si sono radunati nel centro di {place} per aiutare le persone colpite.",
        "In serata, {org} ha pubblicato un secondo comunicato con dettagli aggiornati.",
        "Le immagini televisive mostravano folle che seguivano {thing} per le strade di {place}.",
        "Diversi paesi vicini hanno offerto aiuto, tra cui {n} esperti.",
    ],
    "pt": [
        "As autoridades de {place} disseram que a situação estava sendo avaliada hora a hora.",
        "{person} disse aos jornalistas que {thing} seria lembrado por muito tempo.",
        "Segundo {org}, o número de {figure} ainda pode mudar nos próximos dias.",
        "Os moradores descreveram {thing} como o acontecimento mais importante da região em anos.",
        "Um porta-voz de {org} afirmou que {n} especialistas foram enviados a {place}.",
        "Críticos disseram que os alertas sobre {thing} foram ignorados durante meses.",
        "Comerciantes locais relataram que {n} lojas fecharam as portas naquele dia.",
        "\"Estamos fazendo tudo o que podemos\", disse {person} em uma breve entrevista coletiva.",
        "Analistas afirmam que as consequências de {thing} serão sentidas muito além de {place}.",
        "O governo prometeu uma investigação independente sobre a forma como {thing} foi tratado.",
        "Voluntários se reuniram no centro de {place} para ajudar as pessoas atingidas.",
        "À noite, {org} divulgou um segundo comunicado com informações atualizadas.",
        "Imagens de televisão mostravam multidões acompanhando {thing} nas ruas de {place}.",
        "Vários países vizinhos ofereceram ajuda, incluindo {n} especialistas.",
    ],
    "nl": [
        "De autoriteiten in {place} zeiden dat de situatie elk uur opnieuw werd beoordeeld.",
        "{person} zei tegen verslaggevers dat {thing} nog lang herinnerd zal worden.",
        "Volgens {org} kan het getal {figure} de komende dagen nog veranderen.",
        "Bewoners noemden {thing} de belangrijkste gebeurtenis in de regio in jaren.",
        "Een woordvoerder van {org} zei dat er {n} specialisten naar {place} waren gestuurd.",
        "Critici stelden dat waarschuwingen over {thing} maandenlang waren genegeerd.",
        "Lokale ondernemers meldden dat {n} winkels die dag hun deuren sloten.",
        "\"We doen alles wat we kunnen\", zei {person} tijdens een korte persconferentie.",
        "Analisten verwachten dat de gevolgen van {thing} ver buiten {place} voelbaar zullen zijn.",
        "De regering beloofde een onafhankelijk onderzoek naar de aanpak van {thing}.",
        "Vrijwilligers verzamelden zich in het centrum van {place} om getroffenen te helpen.",
        "In de avond publiceerde {org} een tweede verklaring met nieuwe details.",
        "Televisiebeelden toonden menigten die {thing} volgden in de straten van {place}.",
        "Verschillende buurlanden boden hulp aan, waaronder {n} deskundigen.",
    ],
    "ru": [
        "Власти {place} сообщили, что ситуацию пересматривают каждый час.",
        "{person} заявил журналистам, что {thing} запомнится надолго.",
        "По данным {org}, цифра {figure} в ближайшие дни ещё может измениться.",
        "Жители назвали {thing} самым значимым событием в регионе за многие годы.",
        "Представитель {org} уточнил, что в {place} направлены {n} специалистов.",
        "Критики считают, что предупреждения о том, что {thing} возможно, месяцами игнорировались.",
        "Местные предприниматели сообщили, что в этот день закрылись {n} магазинов.",
        "«Мы делаем всё возможное», — сказал {person} на короткой пресс-конференции.",
        "Аналитики полагают, что последствия события почувствуют далеко за пределами {place}.",
        "Правительство пообещало провести независимое расследование.",
        "Волонтёры собрались в центре {place}, чтобы помочь пострадавшим.",
        "Вечером {org} опубликовала второе заявление с обновлёнными данными.",
        "Телевизионные кадры показывали толпы людей на улицах {place}.",
        "Несколько соседних стран предложили помощь, в том числе {n} экспертов.",
    ],
}

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta property="article:published_time" content="{date}T08:00:00Z"></head>
<body>
<nav><a href="/">{outlet}</a> | <a href="/world">World</a> | <a href="/economy">Economy</a> |
<a href="/sport">Sport</a> | <a href="/login">Log in</a></nav>
<div class="cookie">We use cookies to improve your experience. <button>Accept all</button></div>
<article><h1>{title}</h1>
<p class="byline">{outlet} · {date}</p>
{paragraphs}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Weather for the weekend</a></li>
<li><a href="/b">Ten recipes for autumn</a></li><li><a href="/c">Traffic report</a></li></ul></aside>
<footer>© 2024 {outlet}. All rights reserved. <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></footer>
</body></html>
"""


def _fill(template: str, slots: dict[str, str]) -> str:
    out = template.format(**slots)
    return out[0].upper() + out[1:]


def _article(i: int, event: tuple, lang: str, rng: random.Random) -> dict:
    kind, place, person, org, day, figure = event
    thing = THING[kind][lang]
    slots = {"place": place, "person": person, "org": org, "date": day, "figure": f"{figure:,}".replace(",", " "),
             "thing": thing, "Thing": thing[0].upper() + thing[1:], "n": "0"}
    title = _fill(HEADLINE[lang], slots)
    target = rng.randint(2500, 6900)
    paragraphs = [_fill(LEAD[lang], slots)]
    body_len = len(paragraphs[0])
    while body_len < target:
        para = []
        for template in rng.sample(BODY[lang], rng.randint(2, 4)):
            slots["n"] = str(rng.randint(3, 400))
            para.append(_fill(template, slots))
        text = " ".join(para)
        if body_len + 2 + len(text) > 7000:
            break
        paragraphs.append(text)
        body_len += 2 + len(text)
    outlet, base = OUTLETS[lang]
    return {"id": f"fl-{i:03d}-{lang}", "lang": lang, "title": title, "paragraphs": paragraphs,
            "published": day, "source": outlet, "url": f"{base}/{i:03d}", "story": f"event-{i:02d}"}


def main() -> None:
    rng = random.Random(20241130)
    (HERE / "html").mkdir(exist_ok=True)
    rows = []
    for i, event in enumerate(EVENTS):
        for lang in OUTLETS:
            rows.append(_article(i, event, lang, rng))
    with (HERE / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for k, a in enumerate(rows):
            if k % 5 == 4:  # every fifth article as a web page
                paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in a["paragraphs"])
                page = PAGE.format(lang=a["lang"], title=html.escape(a["title"]), outlet=html.escape(a["source"]),
                                   date=a["published"], paragraphs=paras)
                (HERE / "html" / f"{a['id']}.html").write_text(page, encoding="utf-8")
                continue
            record = {"id": a["id"], "lang": a["lang"], "title": a["title"], "text": "\n\n".join(a["paragraphs"]),
                      "published": a["published"], "source": a["source"], "url": a["url"], "story": a["story"]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    stories = {a["id"]: a["story"] for a in rows}
    (HERE / "stories.json").write_text(json.dumps(stories, indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
