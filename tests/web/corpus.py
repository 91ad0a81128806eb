"""A small multilingual corpus for the web tests: three events, each reported in two or three languages."""

from __future__ import annotations

CORPUS = [
    {"id": "call-bg", "lang": "bg", "published": "2022-02-01T18:02:00", "url": "https://bg.example.com/world/1",
     "title": "Блинкън и Лавров разговаряха по телефона",
     "text": "Държавният секретар Антъни Блинкън разговаря по телефона с Сергей Лавров.\n"
             "Блинкън поиска Русия да изтегли войските от границата с Украйна, каза Държавният департамент."},
    {"id": "call-az", "lang": "az", "published": "2022-02-02T10:02:00", "url": "https://az.example.net/xeber/2",
     "title": "Blinken Lavrovla telefon danışığında qoşunları çəkməyi tələb edib",
     "text": "Antoni Blinken Sergey Lavrovla telefonla danışıb.\n"
             "Blinken Ukrayna sərhədindəki Rusiya qoşunlarının geri çəkilməsini istəyib, Dövlət Departamenti bildirib."},
    {"id": "call-ru", "lang": "ru", "published": "2022-02-01T20:15:00", "url": "https://ru.example.org/news/3",
     "title": "Блинкен и Лавров провели телефонный разговор",
     "text": "Антони Блинкен в телефонном разговоре с Сергеем Лавровым потребовал отвести войска от границы Украины.\n"
             "Госдепартамент сообщил, что разговор длился около 30 минут."},
    {"id": "flood-es", "lang": "es", "published": "2022-03-10", "url": "https://es.example.com/valencia",
     "title": "Inundaciones en Valencia obligan a evacuar a miles",
     "text": "Las lluvias torrenciales inundaron Valencia y Alzira el jueves.\n"
             "Protección Civil evacuó a tres mil vecinos de Alzira y Algemesí."},
    {"id": "flood-en", "lang": "en", "published": "2022-03-10", "url": "https://en.example.com/spain-floods",
     "title": "Floods in Valencia force thousands to evacuate",
     "text": "Torrential rain flooded Valencia and Alzira on Thursday.\n"
             "Civil Protection evacuated three thousand residents of Alzira and Algemesí."},
    {"id": "rate-de", "lang": "de", "published": "2022-04-14", "url": "https://de.example.com/ezb",
     "title": "EZB belässt Leitzins bei null Prozent",
     "text": "Die Europäische Zentralbank (EZB) unter Christine Lagarde belässt den Leitzins bei null Prozent.\n"
             "Lagarde sagte in Frankfurt, die Inflation bleibe hoch."},
    {"id": "rate-fr", "lang": "fr", "published": "2022-04-14", "url": "https://fr.example.com/bce",
     "title": "La BCE maintient son taux directeur à zéro",
     "text": "La Banque centrale européenne (BCE) de Christine Lagarde maintient son taux directeur à zéro.\n"
             "Lagarde a déclaré à Francfort que l'inflation restait élevée."},
]

# Which corpus ids make up each event (the stories the fake encoder is expected to form).
EVENTS = {"call": {"call-bg", "call-az", "call-ru"}, "flood": {"flood-es", "flood-en"}, "rate": {"rate-de", "rate-fr"}}
