"""The burst examples/feeds_demo.py serves: one fictional event reported by seven outlets within two hours.

A landslide blocks the Georgian Military Road near Kazbegi; each outlet wrote its own report (other
wording, other details), so none is a copy of another and each counts as an independent source.
``minutes`` is when the report appears after the burst starts. The event did not happen; outlets and
people are invented, as in the rest of the examples (see README.md).
"""

BURST = [
    {"id": "b01_en_caucasuswire", "lang": "en", "outlet": "caucasuswire.example", "minutes": 0,
     "title": "Landslide near Kazbegi blocks Georgian Military Road, 212 trucks stranded",
     "text": "A landslide buried a 40-metre stretch of the Georgian Military Road near Kazbegi early on "
             "Monday, stranding 212 trucks and dozens of cars on both sides of the Lars border crossing, "
             "Georgia's roads department said. Nobody was hurt. Heavy rain loosened the slope above the road "
             "north of Stepantsminda, engineer Levan Kapanadze told reporters at the site. Bulldozers began "
             "clearing the mud and rocks, and the department expects the road to reopen within six hours."},
    {"id": "b02_en_tbilisitimes", "lang": "en", "outlet": "tbilisitimes.example", "minutes": 15,
     "title": "Kazbegi landslide: Lars crossing closed as crews clear mud",
     "text": "The Lars crossing between Georgia and Russia was closed on Monday after a landslide near "
             "Kazbegi covered the Georgian Military Road with mud and boulders over some 40 metres. Drivers of "
             "212 trucks were waiting in queues near Stepantsminda, according to the roads department, whose "
             "engineer Levan Kapanadze said the cleanup could take six hours. Rain had fallen on the area for "
             "three days. No injuries were reported, and cars were being turned back at Pasanauri."},
    {"id": "b03_de_kaukasusbote", "lang": "de", "outlet": "kaukasusbote.example", "minutes": 30,
     "title": "Erdrutsch bei Kazbegi: Georgische Heerstraße gesperrt",
     "text": "Ein Erdrutsch hat am Montag die Georgische Heerstraße bei Kazbegi auf rund 40 Metern "
             "verschüttet. Am Grenzübergang Lars stauten sich 212 Lastwagen, teilte die georgische "
             "Straßenbehörde mit. Verletzt wurde niemand. Nach tagelangem Regen sei der Hang oberhalb von "
             "Stepantsminda ins Rutschen geraten, sagte der Ingenieur Levan Kapanadze. Räumfahrzeuge sind im "
             "Einsatz; die Behörde rechnet damit, dass die Straße in sechs Stunden wieder frei ist."},
    {"id": "b04_fr_courrierducaucase", "lang": "fr", "outlet": "courrierducaucase.example", "minutes": 45,
     "title": "Géorgie : un glissement de terrain près de Kazbegi bloque 212 camions",
     "text": "Un glissement de terrain a coupé lundi la route militaire géorgienne près de Kazbegi, "
             "recouvrant la chaussée sur une quarantaine de mètres, soit 40 mètres selon le service des "
             "routes. 212 camions sont bloqués de part et d'autre du poste frontière de Lars. Il n'y a pas de "
             "blessés. L'ingénieur Levan Kapanadze explique que les pluies ont fragilisé la pente au-dessus de "
             "Stepantsminda; la route devrait rouvrir dans six heures, une fois la boue dégagée."},
    {"id": "b05_es_diariodeleste", "lang": "es", "outlet": "diariodeleste.example", "minutes": 70,
     "title": "Un deslizamiento de tierra cerca de Kazbegi deja atrapados 212 camiones en Georgia",
     "text": "Un deslizamiento de tierra sepultó el lunes 40 metros de la Carretera Militar Georgiana cerca de "
             "Kazbegi y dejó 212 camiones detenidos junto al paso fronterizo de Lars, informó el departamento "
             "de carreteras de Georgia. No hubo heridos. Según el ingeniero Levan Kapanadze, las lluvias de "
             "los últimos días desestabilizaron la ladera sobre Stepantsminda. Las máquinas retiran el barro "
             "y se espera reabrir la carretera en unas seis horas."},
    {"id": "b06_tr_kafkashaber", "lang": "tr", "outlet": "kafkashaber.example", "minutes": 90,
     "title": "Kazbegi yakınında heyelan: Gürcistan Askeri Yolu kapandı, 212 tır mahsur",
     "text": "Gürcistan'da Kazbegi yakınında pazartesi sabahı meydana gelen heyelan, Gürcistan Askeri Yolu'nu "
             "40 metre boyunca toprak ve kaya ile kapladı. Lars sınır kapısında 212 tır mahsur kaldı. "
             "Yaralanan olmadı. Mühendis Levan Kapanadze, günlerdir süren yağmurun Stepantsminda'nın "
             "kuzeyindeki yamacı gevşettiğini söyledi. Karayolları ekipleri yolu altı saat içinde yeniden "
             "açmayı planlıyor. Otomobiller Pasanauri'de geri çevriliyor."},
    {"id": "b07_az_qafqazxeber", "lang": "az", "outlet": "qafqazxeber.example", "minutes": 115,
     "title": "Kazbegi yaxınlığında sürüşmə: Lars keçidində 212 yük maşını qalıb",
     "text": "Gürcüstanda Kazbegi yaxınlığında bazar ertəsi baş verən torpaq sürüşməsi Gürcüstan Hərbi "
             "Yolunun 40 metrlik hissəsini örtüb. Lars sərhəd keçidinin hər iki tərəfində 212 yük maşını "
             "gözləyir. Xəsarət alan yoxdur. Mühəndis Levan Kapanadze bildirib ki, yağışlar Stepantsminda "
             "üzərindəki yamacı zəiflədib. Yolun altı saat ərzində açılması gözlənilir, texnika palçığı "
             "təmizləyir. Minik avtomobilləri Pasanauri yaxınlığında geri qaytarılır."},
]
