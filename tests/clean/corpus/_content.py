# ruff: noqa: E501  (fixture sentences and page templates read better unbroken)
"""Hand-written fictional news articles (title, paragraphs) and site words, per language.

Used only by ``_build.py`` to write the corpus documents; the tests read the built files.
"""

ARTICLES: dict[str, list[tuple[str, list[str]]]] = {
    "en": [
        (
            "Harbour city opens new ferry line to the islands",
            [
                "The first ferry on the new route left the old harbour at seven in the morning, carrying commuters, cyclists and a school trip.",
                "The mayor said the line would cut the journey to the outer islands from two hours to forty minutes.",
                "Residents of the islands have asked for a faster connection for more than a decade, and many welcomed the change.",
                "The operator plans to add a second boat in the summer if demand stays high.",
            ],
        ),
        (
            "Storm damages roofs and cuts power in the north",
            [
                "Strong winds tore roofs from several houses overnight and left thousands of homes without electricity.",
                "Emergency services received more than four hundred calls, most of them about fallen trees blocking roads.",
                "The grid operator said power should be restored to most customers by the evening.",
            ],
        ),
        (
            "University wins grant to study river pollution",
            [
                "Researchers at the state university have received a grant to measure plastic and chemicals in the country's largest river.",
                "The team will take samples every month for three years at twelve points between the mountains and the sea.",
                "Local fishermen, who have complained about falling catches, have offered their boats to help with the work.",
            ],
        ),
        (
            "Parliament delays vote on pension reform",
            [
                "Members of parliament postponed a vote on the pension reform after the coalition failed to agree on the retirement age.",
                "The finance minister said talks would continue next week and that she still expected the law to pass before the summer.",
                "Unions have called a demonstration in the capital for Saturday.",
            ],
        ),
    ],
    "de": [
        (
            "Neue Straßenbahnlinie verbindet Altstadt und Flughafen",
            [
                "Die neue Straßenbahnlinie zwischen der Altstadt und dem Flughafen ist am Morgen in Betrieb gegangen.",
                "Nach Angaben der Verkehrsbetriebe fahren die Bahnen tagsüber alle zehn Minuten und brauchen etwa zwanzig Minuten für die Strecke.",
                "Anwohner hatten sich jahrelang über den dichten Busverkehr in den engen Gassen beschwert.",
                "Die Stadt rechnet damit, dass täglich rund fünfzehntausend Fahrgäste die Linie nutzen werden.",
            ],
        ),
        (
            "Hochwasser: Pegel der Elbe steigt weiter",
            [
                "Nach tagelangem Regen steigt der Pegel der Elbe weiter, in mehreren Gemeinden wurden Sandsäcke verteilt.",
                "Der Katastrophenschutz rief die Bewohner tief gelegener Straßen auf, Keller und Garagen zu räumen.",
                "Meteorologen erwarten, dass der Regen erst am Wochenende nachlässt.",
            ],
        ),
        (
            "Bäckerei-Kette kündigt Preiserhöhung an",
            [
                "Eine der größten Bäckerei-Ketten des Landes will ihre Preise zum nächsten Monat um bis zu acht Prozent erhöhen.",
                "Das Unternehmen begründet den Schritt mit gestiegenen Kosten für Mehl, Energie und Personal.",
                "Verbraucherschützer raten Kunden, die Preise kleinerer Bäckereien zu vergleichen.",
            ],
        ),
        (
            "Forscher finden seltene Fledermausart im Harz",
            [
                "Biologen haben im Harz eine Fledermausart nachgewiesen, die dort seit über fünfzig Jahren nicht mehr beobachtet wurde.",
                "Die Tiere wurden in einem stillgelegten Stollen entdeckt, in dem sie den Winter verbringen.",
                "Der Stollen soll nun für Besucher gesperrt werden, um die Kolonie nicht zu stören.",
            ],
        ),
    ],
    "fr": [
        (
            "La ville inaugure une piste cyclable le long du fleuve",
            [
                "La nouvelle piste cyclable longe le fleuve sur douze kilomètres et relie trois quartiers jusque-là mal desservis.",
                "Selon la mairie, plus de deux mille cyclistes l'ont empruntée dès le premier week-end.",
                "Les commerçants des quais espèrent que la piste attirera aussi des touristes.",
                "Des bancs et des fontaines doivent être installés d'ici l'été.",
            ],
        ),
        (
            "Grève des contrôleurs aériens : des centaines de vols annulés",
            [
                "Une grève des contrôleurs aériens a entraîné l'annulation de plusieurs centaines de vols dans les principaux aéroports du pays.",
                "Les syndicats réclament des recrutements et une revalorisation des salaires.",
                "La direction de l'aviation civile a demandé aux compagnies de réduire leurs programmes de moitié pour la journée de jeudi.",
            ],
        ),
        (
            "Un village du Jura sauve sa dernière épicerie",
            [
                "Les habitants d'un petit village du Jura ont racheté ensemble la dernière épicerie de la commune, menacée de fermeture.",
                "Plus de cent familles ont apporté chacune quelques centaines d'euros pour former une coopérative.",
                "Le magasin rouvrira le mois prochain avec des produits des fermes voisines.",
            ],
        ),
        (
            "Le musée des beaux-arts rouvre après deux ans de travaux",
            [
                "Après deux ans de travaux, le musée des beaux-arts a rouvert ses portes avec des salles entièrement rénovées.",
                "Les visiteurs peuvent désormais découvrir une collection de peintures flamandes restée longtemps dans les réserves.",
                "L'entrée sera gratuite le premier dimanche de chaque mois.",
            ],
        ),
    ],
    "es": [
        (
            "El ayuntamiento amplía el horario de las bibliotecas",
            [
                "Las bibliotecas municipales abrirán hasta medianoche durante la temporada de exámenes, según anunció el ayuntamiento.",
                "La medida responde a la petición de miles de estudiantes que no encontraban sitio para estudiar por las tardes.",
                "El servicio contará con vigilancia adicional y conexión a internet gratuita.",
                "Si la experiencia funciona, el horario ampliado se mantendrá todo el año.",
            ],
        ),
        (
            "Un incendio forestal obliga a desalojar dos pueblos",
            [
                "Un incendio forestal declarado en la sierra obligó a desalojar a unos trescientos vecinos de dos pueblos cercanos.",
                "Más de cien bomberos y seis aviones trabajaron durante toda la noche para frenar las llamas.",
                "Las autoridades creen que el fuego pudo originarse por una chispa de maquinaria agrícola.",
            ],
        ),
        (
            "La cosecha de aceite de oliva cae un tercio por la sequía",
            [
                "La producción de aceite de oliva caerá alrededor de un tercio esta campaña debido a la falta de lluvias.",
                "Las cooperativas advierten de que los precios en los supermercados seguirán subiendo durante los próximos meses.",
                "Los agricultores piden ayudas para instalar sistemas de riego más eficientes.",
            ],
        ),
        (
            "Investigadores descubren un barco romano frente a la costa",
            [
                "Un equipo de arqueólogos ha localizado los restos de un barco romano hundido a cuarenta metros de profundidad.",
                "La embarcación transportaba ánforas de vino y aceite que todavía conservan parte de sus sellos.",
                "Los investigadores calculan que el naufragio ocurrió hace unos dos mil años.",
            ],
        ),
    ],
    "pt": [
        (
            "Câmara municipal cria novas zonas verdes no centro",
            [
                "A câmara municipal apresentou um plano para transformar três parques de estacionamento do centro em jardins públicos.",
                "As obras começam no outono e deverão estar concluídas dentro de um ano e meio.",
                "Os comerciantes da zona receiam perder clientes, mas a autarquia promete novos lugares subterrâneos.",
                "O projeto inclui a plantação de mais de quatrocentas árvores.",
            ],
        ),
        (
            "Greve dos professores fecha escolas em várias cidades",
            [
                "Centenas de escolas estiveram encerradas devido a uma greve de professores convocada pelos principais sindicatos.",
                "Os docentes exigem a recuperação do tempo de serviço congelado e melhores condições de trabalho.",
                "O ministério da educação convocou os sindicatos para uma nova ronda de negociações na próxima semana.",
            ],
        ),
        (
            "Pescadores alertam para a diminuição da sardinha",
            [
                "Os pescadores da costa norte afirmam que a quantidade de sardinha capturada diminuiu de forma preocupante este ano.",
                "Os cientistas estão a estudar se a subida da temperatura da água pode explicar a mudança.",
                "As associações do setor pedem apoios para compensar a perda de rendimentos.",
            ],
        ),
        (
            "Festival de música bate recorde de público",
            [
                "O festival de música de verão recebeu mais de cem mil visitantes em quatro dias, um recorde desde a sua criação.",
                "A organização destacou o ambiente tranquilo e a ausência de incidentes graves.",
                "A próxima edição já tem datas marcadas e os primeiros bilhetes esgotaram em poucas horas.",
            ],
        ),
    ],
    "it": [
        (
            "Il comune apre un nuovo asilo nido in periferia",
            [
                "Il nuovo asilo nido comunale ha aperto le porte nel quartiere periferico con sessanta posti per bambini sotto i tre anni.",
                "L'assessore all'istruzione ha spiegato che la struttura ridurrà la lista d'attesa di quasi un terzo.",
                "L'edificio è stato costruito con materiali ecologici e dispone di un ampio giardino.",
                "Le iscrizioni per il prossimo anno si apriranno a marzo.",
            ],
        ),
        (
            "Frana blocca la strada statale in montagna",
            [
                "Una frana ha invaso la strada statale che collega i paesi della valle, isolando alcune frazioni.",
                "I tecnici della provincia stanno valutando la stabilità del versante prima di avviare i lavori di sgombero.",
                "Nel frattempo è stato organizzato un servizio di navette lungo un percorso alternativo.",
            ],
        ),
        (
            "Cresce il turismo nei piccoli borghi",
            [
                "I piccoli borghi dell'entroterra hanno registrato un aumento dei visitatori del venti per cento rispetto all'anno scorso.",
                "Secondo gli operatori, molti turisti cercano tranquillità, cucina locale e percorsi a piedi.",
                "I sindaci chiedono però più collegamenti con i treni regionali.",
            ],
        ),
        (
            "Restaurato l'antico organo della cattedrale",
            [
                "Dopo tre anni di lavoro, l'antico organo della cattedrale è tornato a suonare durante un concerto serale.",
                "Il restauro è stato finanziato in gran parte da donazioni di cittadini e di una fondazione locale.",
                "Nei prossimi mesi sono previsti altri concerti aperti al pubblico.",
            ],
        ),
    ],
    "pl": [
        (
            "Miasto uruchamia nocne linie autobusowe",
            [
                "Od poniedziałku w mieście kursują cztery nowe nocne linie autobusowe, które łączą centrum z osiedlami na obrzeżach.",
                "Autobusy będą odjeżdżać co pół godziny między północą a czwartą rano.",
                "Radni liczą, że nowe połączenia zmniejszą liczbę pijanych kierowców na drogach.",
                "Po trzech miesiącach miasto oceni, czy linie cieszą się wystarczającym zainteresowaniem.",
            ],
        ),
        (
            "Powódź zalała piwnice w kilku wsiach",
            [
                "Po ulewnych deszczach rzeka wystąpiła z brzegów i zalała piwnice w kilku wsiach w dolinie.",
                "Strażacy przez całą noc wypompowywali wodę i układali worki z piaskiem.",
                "Wojewoda zapowiedział pomoc finansową dla poszkodowanych rodzin.",
            ],
        ),
        (
            "Naukowcy badają zanieczyszczenie powietrza w szkołach",
            [
                "Naukowcy z politechniki zamontowali czujniki jakości powietrza w dwudziestu szkołach podstawowych.",
                "Pierwsze wyniki pokazują, że w zimie normy pyłu są przekraczane niemal codziennie.",
                "Dyrektorzy szkół chcą kupić oczyszczacze powietrza do wszystkich klas.",
            ],
        ),
        (
            "Stary młyn zamieniono w centrum kultury",
            [
                "Zabytkowy młyn nad rzeką po latach zaniedbań został zamieniony w centrum kultury z salą koncertową i biblioteką.",
                "Remont kosztował kilkanaście milionów złotych i był w większości finansowany z funduszy europejskich.",
                "W pierwszy weekend centrum odwiedziło ponad trzy tysiące osób.",
            ],
        ),
    ],
    "ru": [
        (
            "В городе открылся новый мост через реку",
            [
                "В городе открыли новый мост через реку, который соединил центр с быстро растущими районами на левом берегу.",
                "По словам мэра, мост позволит сократить время в пути для десятков тысяч жителей.",
                "Строительство заняло почти четыре года и обошлось дороже, чем планировалось.",
                "Движение общественного транспорта по мосту начнется в следующем месяце.",
            ],
        ),
        (
            "Сильный снегопад парализовал движение на трассе",
            [
                "Сильный снегопад парализовал движение на федеральной трассе, в пробке оказались сотни автомобилей.",
                "Спасатели доставляли водителям горячий чай и топливо, а для пассажиров автобусов открыли пункты обогрева.",
                "К утру дорожные службы расчистили большую часть полос.",
            ],
        ),
        (
            "Школьники построили метеостанцию во дворе школы",
            [
                "Ученики сельской школы собрали собственную метеостанцию и установили ее во дворе.",
                "Данные о температуре, влажности и ветре каждый час публикуются на сайте школы.",
                "Учитель физики рассказал, что проект помог ребятам полюбить точные науки.",
            ],
        ),
        (
            "Музей получил в дар коллекцию старинных часов",
            [
                "Краеведческий музей получил в дар коллекцию из более чем двухсот старинных часов.",
                "Коллекцию собирал местный инженер на протяжении пятидесяти лет.",
                "Выставка откроется осенью, а часть экспонатов сначала отправят на реставрацию.",
            ],
        ),
    ],
    "uk": [
        (
            "У місті запустили нову лінію тролейбуса",
            [
                "У місті запустили нову лінію тролейбуса, яка сполучила залізничний вокзал зі спальними районами.",
                "За словами міського голови, нові машини мають низьку підлогу та кондиціонери.",
                "Мешканці давно просили про такий маршрут, адже раніше доводилося робити кілька пересадок.",
                "Інтервал руху в години пік становитиме вісім хвилин.",
            ],
        ),
        (
            "Сильна злива підтопила вулиці в центрі",
            [
                "Сильна злива за кілька годин підтопила вулиці в центрі міста та кілька підземних переходів.",
                "Комунальні служби працювали всю ніч, відкачуючи воду та прочищаючи зливові стоки.",
                "Синоптики попереджають, що дощі триватимуть до кінця тижня.",
            ],
        ),
        (
            "Фермери розпочали збір ранньої черешні",
            [
                "На півдні країни фермери розпочали збір ранньої черешні, урожай цього року обіцяє бути добрим.",
                "Перші ягоди вже з'явилися на ринках, але ціни поки що залишаються високими.",
                "Аграрії розраховують продати частину урожаю за кордон.",
            ],
        ),
        (
            "Бібліотека відкрила простір для підлітків",
            [
                "Центральна бібліотека відкрила новий простір для підлітків з настільними іграми, комп'ютерами та майстернею.",
                "Ремонт зробили за кошти міської програми та пожертви місцевих підприємців.",
                "Щосуботи тут проходитимуть безкоштовні заняття з програмування.",
            ],
        ),
    ],
    "bg": [
        (
            "Общината ремонтира централния пазар",
            [
                "Общината започна ремонт на централния пазар, който ще продължи около осем месеца.",
                "Търговците ще бъдат преместени временно на паркинга до спортната зала.",
                "Според кмета новият пазар ще има покрив, модерни щандове и места за земеделски производители.",
                "Проектът се финансира със средства от общинския бюджет и от европейска програма.",
            ],
        ),
        (
            "Силен вятър събори дървета в няколко града",
            [
                "Силен вятър събори десетки дървета в няколко града и повреди покриви на жилищни сгради.",
                "Пожарникарите са получили над двеста сигнала само за една нощ.",
                "Няма пострадали хора, но много автомобили са с пробити стъкла.",
            ],
        ),
        (
            "Ученици спечелиха международно състезание по роботика",
            [
                "Отбор от ученици от математическата гимназия спечели първо място на международно състезание по роботика.",
                "Роботът им успя да подреди цветни кубчета по-бързо от всички останали участници.",
                "Учениците мечтаят да продължат образованието си в техническите университети.",
            ],
        ),
        (
            "Библиотеката в селото получи нови книги",
            [
                "Читалищната библиотека в селото получи над хиляда нови книги от дарители от цялата страна.",
                "Сред тях има детски книги, енциклопедии и съвременни романи.",
                "Библиотекарката разказва, че децата вече идват всеки ден след училище.",
            ],
        ),
    ],
    "sr": [
        (
            "Град отвара нови базен за рекреацију",
            [
                "Град је отворио нови затворени базен који ће током целе године бити доступан грађанима.",
                "Према речима градоначелника, деца из основних школа ће два пута недељно имати бесплатне часове пливања.",
                "Изградња је трајала скоро три године и финансирана је из градског буџета.",
                "Цена карте за одрасле биће нижа него на другим базенима у граду.",
            ],
        ),
        (
            "Снег изазвао проблеме у саобраћају",
            [
                "Обилан снег изазвао је велике проблеме у саобраћају на путевима у западном делу земље.",
                "Путари су током ноћи чистили главне правце, али су поједини локални путеви и даље затворени.",
                "Возачима се саветује да не крећу на пут без зимске опреме.",
            ],
        ),
        (
            "Мештани села обновили стару школу",
            [
                "Мештани једног села на југу Србије сопственим радом обновили су стару школу која је деценијама била празна.",
                "У згради ће бити отворени музеј, библиотека и простор за радионице.",
                "Помоћ су пружили и бивши ученици који сада живе у иностранству.",
            ],
        ),
        (
            "Фестивал филма привукао рекордан број посетилаца",
            [
                "Фестивал документарног филма ове године привукао је рекордан број посетилаца.",
                "Приказано је више од шездесет филмова из двадесет земаља.",
                "Главну награду освојио је филм о животу рибара на Дунаву.",
            ],
        ),
    ],
    "hr": [
        (
            "Grad uređuje novo šetalište uz more",
            [
                "Grad je započeo uređenje novog šetališta uz more koje će povezati staru luku i gradsku plažu.",
                "Radovi bi trebali biti gotovi prije početka turističke sezone.",
                "Uz šetalište će biti postavljene klupe, rasvjeta i punionice za električne bicikle.",
                "Mještani se nadaju da će novo šetalište oživjeti zapušteni dio obale.",
            ],
        ),
        (
            "Jaka bura zatvorila mostove i trajektne linije",
            [
                "Jaka bura zatvorila je nekoliko mostova za promet i prekinula trajektne linije prema otocima.",
                "Lučke kapetanije upozoravaju da bi se nevrijeme moglo nastaviti i sutra.",
                "Putnici se mole da prije polaska provjere stanje na cestama.",
            ],
        ),
        (
            "Vinari zadovoljni ovogodišnjom berbom",
            [
                "Vinari u Slavoniji zadovoljni su ovogodišnjom berbom grožđa, koja je bila obilna i kvalitetna.",
                "Suho i toplo vrijeme pogodovalo je zrenju, a bolesti vinove loze gotovo nije bilo.",
                "Prva mlada vina na tržištu se očekuju krajem jeseni.",
            ],
        ),
        (
            "Knjižnica pokrenula čitanje za djecu",
            [
                "Gradska knjižnica pokrenula je program čitanja za djecu predškolske dobi svake subote ujutro.",
                "Priče čitaju volonteri, među kojima su umirovljeni učitelji i studenti.",
                "Program je besplatan, a prijave se primaju u knjižnici.",
            ],
        ),
    ],
    "tr": [
        (
            "Belediye yeni bir kent parkı açtı",
            [
                "Belediye, eski fabrika arazisinde yapılan yeni kent parkını törenle hizmete açtı.",
                "Parkta yürüyüş yolları, çocuk oyun alanları ve bir gölet bulunuyor.",
                "Belediye başkanı, parkın mahalle sakinlerinin uzun süredir beklediği bir proje olduğunu söyledi.",
                "Park her gün sabah altıdan gece yarısına kadar açık olacak.",
            ],
        ),
        (
            "Sağanak yağış bazı ilçelerde su baskınlarına yol açtı",
            [
                "Etkili olan sağanak yağış, bazı ilçelerde ev ve iş yerlerini su bastı.",
                "İtfaiye ekipleri gece boyunca bodrum katlardaki suyu tahliye etti.",
                "Meteoroloji, yağışların hafta sonuna kadar süreceğini açıkladı.",
            ],
        ),
        (
            "Üniversite öğrencileri deprem uyarı uygulaması geliştirdi",
            [
                "Bir grup üniversite öğrencisi, deprem anında kullanıcılara uyarı gönderen bir mobil uygulama geliştirdi.",
                "Uygulama, telefonların sensörlerinden gelen verileri birleştirerek sarsıntıyı birkaç saniye önceden fark edebiliyor.",
                "Öğrenciler projeyi yakında uluslararası bir yarışmada sunacak.",
            ],
        ),
        (
            "Tarihi han restore edilerek ziyarete açıldı",
            [
                "Yüzyıllık tarihi han, iki yıl süren restorasyonun ardından ziyaretçilere açıldı.",
                "Handa yerel el sanatlarının sergilendiği atölyeler ve bir kafe yer alıyor.",
                "Yetkililer, hanın ilçenin turizmine önemli katkı sağlayacağını belirtti.",
            ],
        ),
    ],
    "az": [
        (
            "Bakıda yeni metro stansiyası istifadəyə verildi",
            [
                "Bakıda yeni metro stansiyası sərnişinlərin istifadəsinə verildi və ilk qatarlar səhər saatlarında hərəkətə başladı.",
                "Rəsmilərin sözlərinə görə, stansiya gündə on minlərlə sərnişinə xidmət göstərəcək.",
                "Yaxınlıqdakı məhəllələrin sakinləri artıq avtobusla uzun yol getməli olmayacaqlar.",
                "Stansiyanın tikintisi təxminən dörd il davam edib.",
            ],
        ),
        (
            "Güclü külək bir neçə rayonda elektrik xətlərini zədələdi",
            [
                "Güclü külək ölkənin bir neçə rayonunda elektrik xətlərini zədələdi və minlərlə ev işıqsız qaldı.",
                "Energetika işçiləri bütün gecə bərpa işləri aparıblar.",
                "Meteoroloqlar küləyin sabahdan zəifləyəcəyini gözləyirlər.",
            ],
        ),
        (
            "Məktəblilər beynəlxalq olimpiadada medal qazandılar",
            [
                "Azərbaycanlı məktəblilər beynəlxalq riyaziyyat olimpiadasında iki gümüş və bir bürünc medal qazandılar.",
                "Komanda yarışa bir neçə ay ərzində xüsusi hazırlıq keçib.",
                "Şagirdlər gələcəkdə mühəndis və alim olmaq istədiklərini bildiriblər.",
            ],
        ),
        (
            "Şəkidə tarixi karvansara bərpa olunur",
            [
                "Şəkidə yerləşən tarixi karvansarada genişmiqyaslı bərpa işlərinə başlanılıb.",
                "Layihə çərçivəsində binanın damı və daxili həyəti yenidən qurulacaq.",
                "Bərpadan sonra karvansarada muzey və sənətkarlıq emalatxanaları fəaliyyət göstərəcək.",
            ],
        ),
    ],
    "id": [
        (
            "Pemerintah kota membuka jalur sepeda baru",
            [
                "Pemerintah kota meresmikan jalur sepeda baru sepanjang delapan kilometer yang menghubungkan pusat kota dengan kawasan kampus.",
                "Wali kota mengatakan jalur ini diharapkan dapat mengurangi kemacetan pada jam sibuk.",
                "Sejumlah komunitas pesepeda menyambut baik kebijakan tersebut dan mengadakan gowes bersama.",
                "Jalur sepeda itu juga dilengkapi lampu penerangan dan rambu khusus.",
            ],
        ),
        (
            "Banjir rendam ratusan rumah di pinggiran kota",
            [
                "Hujan deras sejak sore hari menyebabkan banjir yang merendam ratusan rumah di pinggiran kota.",
                "Petugas gabungan mengevakuasi warga lanjut usia dan anak-anak ke tempat pengungsian.",
                "Badan penanggulangan bencana memperkirakan air akan surut dalam dua hari.",
            ],
        ),
        (
            "Petani kopi menikmati harga panen yang tinggi",
            [
                "Petani kopi di dataran tinggi menikmati harga jual yang lebih tinggi dibandingkan tahun lalu.",
                "Permintaan dari kafe dan eksportir meningkat sehingga hasil panen cepat terserap pasar.",
                "Para petani berencana memperluas kebun dan memperbaiki cara pengolahan biji kopi.",
            ],
        ),
        (
            "Museum kota membuka pameran kain tradisional",
            [
                "Museum kota membuka pameran kain tradisional yang menampilkan lebih dari seratus koleksi dari berbagai daerah.",
                "Pengunjung dapat melihat langsung proses menenun yang diperagakan oleh perajin.",
                "Pameran akan berlangsung selama satu bulan dan terbuka untuk umum tanpa biaya.",
            ],
        ),
    ],
    "zh": [
        (
            "市区新开通一条地铁线路",
            [
                "本市新开通的地铁线路今天上午正式运营，连接了火车站和城市东部的新区。",
                "据市交通部门介绍，新线路全长二十公里，共设十五座车站。",
                "许多市民表示，以前上班需要换乘两次公交车，现在只要半个小时就能到达。",
                "交通部门预计，这条线路每天将运送约二十万名乘客。",
            ],
        ),
        (
            "暴雨导致多条道路积水",
            [
                "昨夜的强降雨导致市区多条道路出现严重积水，部分车辆在水中熄火。",
                "消防和市政部门连夜排水，并在低洼地区设置了警示标志。",
                "气象台预计，未来三天仍将有阵雨，提醒市民注意出行安全。",
            ],
        ),
        (
            "大学生研发智能垃圾分类设备",
            [
                "几名大学生研发了一种智能垃圾分类设备，能够自动识别塑料、纸张和金属。",
                "这种设备已经在学校食堂试用，准确率超过九成。",
                "学生们希望明年能将设备推广到更多社区。",
            ],
        ),
        (
            "古镇修缮后重新向游客开放",
            [
                "经过两年的修缮，这座有数百年历史的古镇重新向游客开放。",
                "修缮工程保留了原有的石板路和木结构房屋，同时改善了排水系统。",
                "当地政府表示，将限制每天的游客数量，以保护古镇的环境。",
            ],
        ),
    ],
}

# Month names (January..December) and weekday names (Monday..Sunday) as sites write them
# in dates, and the site words the templates need.
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "bg": "януари февруари март април май юни юли август септември октомври ноември декември",
    "sr": "јануар фебруар март април мај јун јул август септембар октобар новембар децембар",
    "hr": "siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
    "az": "yanvar fevral mart aprel may iyun iyul avqust sentyabr oktyabr noyabr dekabr",
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
}
WEEKDAYS = {
    "en": "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
    "de": "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag",
    "fr": "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
    "es": "lunes|martes|miércoles|jueves|viernes|sábado|domingo",
    "pt": "segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|sábado|domingo",
    "it": "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica",
    "pl": "poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela",
    "ru": "понедельник|вторник|среда|четверг|пятница|суббота|воскресенье",
    "uk": "понеділок|вівторок|середа|четвер|п'ятниця|субота|неділя",
    "bg": "понеделник|вторник|сряда|четвъртък|петък|събота|неделя",
    "sr": "понедељак|уторак|среда|четвртак|петак|субота|недеља",
    "hr": "ponedjeljak|utorak|srijeda|četvrtak|petak|subota|nedjelja",
    "tr": "Pazartesi|Salı|Çarşamba|Perşembe|Cuma|Cumartesi|Pazar",
    "az": "bazar ertəsi|çərşənbə axşamı|çərşənbə|cümə axşamı|cümə|şənbə|bazar",
    "id": "Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu",
    "zh": "星期一|星期二|星期三|星期四|星期五|星期六|星期日",
}
# comments, add comment, related, most read, share, read also, tags, section, views,
# follow prompt, hours ago ({n}), yesterday
SITE_WORDS = {
    "en": [
        "Comments",
        "Add a comment",
        "Related news",
        "Most read",
        "Share",
        "Read also",
        "Tags",
        "World",
        "views",
        "Follow us on Telegram",
        "{n} hours ago",
        "Yesterday",
    ],
    "de": [
        "Kommentare",
        "Kommentar schreiben",
        "Mehr zum Thema",
        "Meistgelesen",
        "Teilen",
        "Lesen Sie auch",
        "Schlagworte",
        "Panorama",
        "Aufrufe",
        "Folgen Sie uns auf Telegram",
        "vor {n} Stunden",
        "Gestern",
    ],
    "fr": [
        "Commentaires",
        "Ajouter un commentaire",
        "Sur le même sujet",
        "Les plus lus",
        "Partager",
        "Lire aussi",
        "Mots-clés",
        "Société",
        "vues",
        "Suivez-nous sur Telegram",
        "il y a {n} heures",
        "Hier",
    ],
    "es": [
        "Comentarios",
        "Añadir comentario",
        "Noticias relacionadas",
        "Lo más leído",
        "Compartir",
        "Lee también",
        "Etiquetas",
        "Sociedad",
        "visitas",
        "Síguenos en Telegram",
        "hace {n} horas",
        "Ayer",
    ],
    "pt": [
        "Comentários",
        "Adicionar comentário",
        "Notícias relacionadas",
        "Mais lidas",
        "Partilhar",
        "Leia também",
        "Tags",
        "Sociedade",
        "visualizações",
        "Siga-nos no Telegram",
        "há {n} horas",
        "Ontem",
    ],
    "it": [
        "Commenti",
        "Lascia un commento",
        "Articoli correlati",
        "I più letti",
        "Condividi",
        "Leggi anche",
        "Tag",
        "Cronaca",
        "visualizzazioni",
        "Seguici su Telegram",
        "{n} ore fa",
        "Ieri",
    ],
    "pl": [
        "Komentarze",
        "Dodaj komentarz",
        "Powiązane",
        "Najczęściej czytane",
        "Udostępnij",
        "Czytaj także",
        "Tagi",
        "Kraj",
        "wyświetleń",
        "Obserwuj nas na Telegramie",
        "{n} godziny temu",
        "Wczoraj",
    ],
    "ru": [
        "Комментарии",
        "Добавить комментарий",
        "Похожие новости",
        "Самое читаемое",
        "Поделиться",
        "Читайте также",
        "Теги",
        "Общество",
        "просмотров",
        "Подписывайтесь на наш Telegram-канал",
        "{n} часа назад",
        "Вчера",
    ],
    "uk": [
        "Коментарі",
        "Додати коментар",
        "Схожі новини",
        "Популярне",
        "Поділитися",
        "Читайте також",
        "Теги",
        "Суспільство",
        "переглядів",
        "Підписуйтесь на наш Telegram",
        "{n} години тому",
        "Вчора",
    ],
    "bg": [
        "Коментари",
        "Добави коментар",
        "Свързани новини",
        "Най-четени",
        "Сподели",
        "Прочетете още",
        "Етикети",
        "България",
        "преглеждания",
        "Последвайте канала ни в Telegram",
        "преди {n} часа",
        "Вчера",
    ],
    "sr": [
        "Коментари",
        "Остави коментар",
        "Повезане вести",
        "Најчитаније",
        "Подели",
        "Прочитајте још",
        "Ознаке",
        "Друштво",
        "прегледа",
        "Пратите нас на Телеграму",
        "пре {n} сата",
        "Јуче",
    ],
    "hr": [
        "Komentari",
        "Ostavi komentar",
        "Vezane vijesti",
        "Najčitanije",
        "Podijeli",
        "Pročitajte još",
        "Oznake",
        "Vijesti",
        "pregleda",
        "Pratite nas na Telegramu",
        "prije {n} sata",
        "Jučer",
    ],
    "tr": [
        "Yorumlar",
        "Yorum yap",
        "İlgili haberler",
        "En çok okunanlar",
        "Paylaş",
        "Devamını oku",
        "Etiketler",
        "Gündem",
        "okunma",
        "Bizi Telegram'da takip edin",
        "{n} saat önce",
        "Dün",
    ],
    "az": [
        "Şərhlər",
        "Şərh yaz",
        "Oxşar xəbərlər",
        "Ən çox oxunanlar",
        "Paylaş",
        "Digər xəbərlər",
        "Teqlər",
        "Xəbərlər",
        "baxış",
        "Bizi Telegram-da izləyin",
        "{n} saat əvvəl",
        "Dünən",
    ],
    "id": [
        "Komentar",
        "Tulis komentar",
        "Berita terkait",
        "Terpopuler",
        "Bagikan",
        "Baca juga",
        "Tag",
        "Nasional",
        "dibaca",
        "Ikuti kami di Telegram",
        "{n} jam yang lalu",
        "Kemarin",
    ],
    "zh": [
        "评论",
        "发表评论",
        "相关新闻",
        "热门新闻",
        "分享",
        "延伸阅读",
        "标签",
        "社会",
        "阅读",
        "关注我们的电报频道",
        "{n}小时前",
        "昨天",
    ],
}
