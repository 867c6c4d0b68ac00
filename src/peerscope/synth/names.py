"""Personal names and places: pools per naming culture, name variants, countries and cities.

A person's name is a tuple ``(culture, given, middle, family)``.  ``family`` may hold two words
(Hispanic compound surnames) or a particle ("van der Berg"); ``given`` may be hyphenated.
"""

from __future__ import annotations

import unicodedata

# culture -> given names, family names (weighted by repetition: earlier entries are drawn more often)
CULTURES: dict[str, dict] = {
    "en": {
        "given": ["James", "John", "Michael", "David", "Sarah", "Emily", "Jennifer", "Robert", "William", "Jessica",
                  "Daniel", "Laura", "Thomas", "Rachel", "Andrew", "Elizabeth", "Matthew", "Katherine", "Christopher",
                  "Hannah", "Benjamin", "Olivia", "Samuel", "Rebecca", "Joseph", "Megan", "Anne-Marie", "Peter",
                  "Alice", "Mark"],
        "middle": ["A.", "J.", "M.", "R.", "L.", "E.", "K.", "Lee", "Anne", "James"],
        "family": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
                   "Taylor", "Thomas", "Moore", "Martin", "Thompson", "White", "Harris", "Clark", "Lewis",
                   "Walker", "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
                   "Mitchell", "Campbell", "O'Brien", "McDonald", "Smith-Jones", "Lee", "Evans", "Turner"],
        "middle_rate": 0.35,
    },
    "de": {
        "given": ["Jürgen", "Thomas", "Michael", "Stefan", "Andreas", "Katrin", "Anja", "Jörg", "Sabine", "Björn",
                  "Uwe", "Matthias", "Claudia", "Günter", "Lena", "Felix", "Jonas", "Hans-Peter", "Karl-Heinz",
                  "Sören", "Maximilian", "Johanna"],
        "middle": [],
        "family": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
                   "Hoffmann", "Schröder", "Koch", "Weiß", "Groß", "Krüger", "Hartmann", "Lange", "Böhm",
                   "Müller-Lüdenscheidt", "Schäfer", "Köhler", "Zimmermann", "Vogel", "Fuchs"],
        "middle_rate": 0.0,
    },
    "nordic": {
        "given": ["Søren", "Lars", "Anders", "Åsa", "Kristian", "Mette", "Jørgen", "Ingrid", "Mikael", "Sigrid",
                  "Bjørn", "Eirik", "Linnéa", "Pål", "Annika", "Henrik", "Märta"],
        "middle": [],
        "family": ["Østergaard", "Jørgensen", "Nielsen", "Hansen", "Andersson", "Johansson", "Lindqvist",
                   "Sjöberg", "Ångström", "Karlsson", "Pedersen", "Bækgaard", "Solberg", "Håkansson", "Virtanen",
                   "Mäkinen", "Nyström"],
        "middle_rate": 0.0,
    },
    "fr": {
        "given": ["Jean", "Marie", "Pierre", "François", "Hélène", "Jean-Luc", "Sébastien", "Camille", "Nicolas",
                  "Céline", "Julien", "Élodie", "Mathieu", "Anne-Sophie", "Guillaume", "Aurélie", "Thibault"],
        "middle": [],
        "family": ["Dubois", "Martin", "Bernard", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Bonnet",
                   "Fontaine", "Chevalier", "Lambert", "Gauthier", "Mercier", "Faure", "Bérard", "Leclerc"],
        "middle_rate": 0.0,
    },
    "es": {
        "given": ["José", "María", "Juan Carlos", "María José", "Carlos", "Ana", "Luis", "Javier", "Lucía",
                  "José Luis", "Carmen", "Alejandro", "Sofía", "Miguel Ángel", "Andrés", "Valentina", "Raúl",
                  "Inés", "Joaquín", "Mónica"],
        "middle": [],
        "family": ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
                   "Gómez", "Díaz", "Hernández", "Ruiz", "Jiménez", "Moreno", "Muñoz", "Álvarez", "Romero",
                   "Torres", "Ramírez", "Castillo", "Núñez", "Ortega"],
        "middle_rate": 0.0,
        "compound": 0.65,
    },
    "pt": {
        "given": ["João", "Maria", "Ana", "Pedro", "Luís", "Gonçalo", "Beatriz", "Rafael", "Mariana", "Tiago",
                  "Fernanda", "Lucas", "Conceição", "Antônio"],
        "middle": [],
        "family": ["Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins",
                   "Gonçalves", "Araújo", "Sousa", "Carvalho", "Magalhães", "Simões"],
        "middle_rate": 0.0,
        "compound": 0.5,
    },
    "it": {
        "given": ["Giuseppe", "Marco", "Francesca", "Luca", "Giulia", "Alessandro", "Chiara", "Matteo", "Elena",
                  "Andrea", "Paolo", "Federica", "Niccolò"],
        "middle": [],
        "family": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
                   "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini"],
        "middle_rate": 0.0,
    },
    "nl": {
        "given": ["Pieter", "Jan", "Sanne", "Daan", "Femke", "Joost", "Maarten", "Eline", "Willem", "Lotte"],
        "middle": [],
        "family": ["de Vries", "van der Berg", "Jansen", "de Jong", "van Dijk", "Bakker", "Visser", "Smit",
                   "van den Heuvel", "Mulder", "de Boer", "Meijer"],
        "middle_rate": 0.0,
    },
    "pl": {
        "given": ["Piotr", "Łukasz", "Katarzyna", "Agnieszka", "Tomasz", "Jiří", "Petra", "Marek", "Zuzana",
                  "Paweł", "Małgorzata", "Ondřej"],
        "middle": [],
        "family": ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Dvořák", "Novák", "Svoboda", "Lewandowska",
                   "Kamiński", "Zieliński", "Černý", "Procházka"],
        "middle_rate": 0.0,
    },
    "ru": {
        "given": ["Dmitry", "Alexei", "Olga", "Sergey", "Natalia", "Ivan", "Elena", "Mikhail", "Anastasia",
                  "Andrei", "Yulia", "Pavel"],
        "middle": [],
        "family": ["Ivanov", "Smirnov", "Kuznetsova", "Popov", "Volkov", "Sokolova", "Lebedev", "Novikov",
                   "Morozova", "Petrov", "Fedorov", "Orlova"],
        "middle_rate": 0.0,
    },
    "tr": {
        "given": ["Mehmet", "Ayşe", "Çağlar", "Emre", "Zeynep", "Burak", "Elif", "Oğuz", "Gökhan", "Şule"],
        "middle": [],
        "family": ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Yıldız", "Öztürk", "Aydın", "Arslan", "Doğan"],
        "middle_rate": 0.0,
    },
    "zh": {
        "given": ["Wei", "Jing", "Li", "Min", "Jun", "Lei", "Yang", "Hui", "Xiaoming", "Yan", "Ying", "Hao",
                  "Jie", "Tao", "Lin", "Chen", "Xin", "Yu", "Fang", "Qiang", "Yong", "Ming", "Xiaoli", "Jian",
                  "Hong", "Ping", "Zhiwei", "Yuxuan", "Haoran", "Zihan", "Xiaoyu", "Jiahui", "Yifan", "Rui",
                  "Xue", "Bo", "Kai", "Peng", "Dan", "Lu", "Xiaohui", "Jianguo", "Meng", "Qian", "Zhen",
                  "Shuang", "Wenjun", "Yiming", "Chao", "Guang", "Huan", "Jingyi", "Lihua", "Xiaowei", "Yuting",
                  "Zhiqiang", "Hongwei", "Fei", "Na", "Long"],
        "middle": [],
        "family": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
                   "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Tang", "Han",
                   "Cao", "Deng", "Feng", "Song", "Xiao", "Tian", "Du", "Peng", "Lu", "Jiang", "Yuan", "Pan",
                   "Cai", "Dong", "Yu", "Ye", "Wei", "Shen", "Yao", "Cheng"],
        "middle_rate": 0.0,
        "family_first": True,
    },
    "ko": {
        "given": ["Ji-hoon", "Min-jun", "Seo-yeon", "Ji-woo", "Hyun-woo", "Soo-jin", "Jae-won", "Eun-ji",
                  "Dong-hyun", "Young-ho", "Jin", "Sung-min", "Hye-jin", "Joon", "Ji-yeon", "Sang-hoon", "Min-seo",
                  "Jung-hwa", "Kyung-soo", "Hyun-jung", "Seung-woo", "Yoon-ah", "Tae-yang", "Ha-eun", "Jong-min"],
        "middle": [],
        "family": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
                   "Oh", "Seo", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong"],
        "middle_rate": 0.0,
        "family_first": True,
    },
    "ja": {
        "given": ["Takashi", "Hiroshi", "Yuki", "Kenji", "Akiko", "Satoshi", "Haruka", "Daisuke", "Naoko",
                  "Kazuhiro", "Yusuke", "Emi", "Shota", "Masato", "Ryo", "Keiko", "Tomoko", "Hiroki", "Aya",
                  "Kenta", "Mai", "Shinji", "Yoko"],
        "middle": [],
        "family": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
                   "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Inoue"],
        "middle_rate": 0.0,
        "family_first": True,
    },
    "vi": {
        "given": ["Van An", "Thi Hoa", "Minh Tuan", "Thi Lan", "Duc Anh", "Quang Huy", "Thanh Hai", "Ngoc Linh"],
        "middle": [],
        "family": ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang"],
        "middle_rate": 0.0,
        "family_first": True,
    },
    "in": {
        "given": ["Rajesh", "Priya", "Anil", "Lakshmi", "Arjun", "Deepika", "Sanjay", "Kavya", "Vikram",
                  "Ananya", "Suresh", "Meera", "Rahul", "Aishwarya", "Karthik", "Neha", "Venkatesh", "Pooja"],
        "middle": ["K.", "S.", "R.", "Kumar", "V.", "M."],
        "family": ["Kumar", "Sharma", "Singh", "Patel", "Reddy", "Iyer", "Venkataraman", "Subramanian", "Gupta",
                   "Nair", "Rao", "Das", "Mukherjee", "Chatterjee", "Krishnan", "Joshi", "Bhattacharya", "Menon"],
        "middle_rate": 0.25,
    },
    "ar": {
        "given": ["Mohammed", "Ahmed", "Fatima", "Omar", "Ali", "Youssef", "Layla", "Hassan", "Khaled", "Nour",
                  "Mariam", "Abdullah", "Ibrahim", "Amira"],
        "middle": [],
        "family": ["Al-Hassan", "El-Sayed", "Haddad", "Al-Rashid", "Abdullah", "Mansour", "Khalil", "Al-Farsi",
                   "Saleh", "Nasser", "Ben Ali", "El Amrani", "Hamdan", "Al-Qahtani"],
        "middle_rate": 0.0,
    },
    "fa": {
        "given": ["Mohammad Reza", "Zahra", "Ali Reza", "Maryam", "Hossein", "Fatemeh", "Amir", "Narges", "Mehdi"],
        "middle": [],
        "family": ["Hosseini", "Ahmadi", "Mohammadi", "Rezaei", "Karimi", "Moradi", "Jafari", "Rahimi", "Sadeghi"],
        "middle_rate": 0.0,
    },
    "ng": {
        "given": ["Oluwaseun", "Chinedu", "Adaeze", "Emeka", "Ngozi", "Tunde", "Funmilayo", "Ifeanyi", "Kemi"],
        "middle": [],
        "family": ["Adeyemi", "Okafor", "Okonkwo", "Balogun", "Eze", "Adebayo", "Nwosu", "Ogunleye"],
        "middle_rate": 0.0,
    },
    "he": {
        "given": ["Yosef", "Noa", "Avi", "Tamar", "Eitan", "Shira", "Omer", "Michal"],
        "middle": [],
        "family": ["Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Katz", "Ben-David"],
        "middle_rate": 0.0,
    },
}

CULTURE_CODES: list[str] = list(CULTURES)

# Countries: code, name variants (first is canonical), weight, cities, local culture mix,
# language of institution names.
COUNTRIES: list[dict] = [
    {"code": "US", "names": ["USA", "United States", "U.S.A.", "United States of America"], "weight": 22,
     "cities": ["Boston", "Berkeley", "Ann Arbor", "Austin", "Seattle", "Chicago", "Atlanta", "Pittsburgh",
                "Houston", "Madison", "San Diego", "Baltimore", "Nashville", "Minneapolis", "Boulder", "Durham",
                "Columbus", "Salt Lake City"],
     "mix": {"en": 55, "zh": 12, "in": 9, "es": 6, "ko": 4, "de": 2, "ar": 2, "fa": 2, "ru": 2, "he": 1, "it": 1,
             "ng": 1, "fr": 1, "tr": 1, "ja": 1},
     "lang": "en"},
    {"code": "CN", "names": ["China", "P.R. China", "PR China", "People's Republic of China"], "weight": 18,
     "cities": ["Beijing", "Shanghai", "Wuhan", "Hangzhou", "Nanjing", "Chengdu", "Guangzhou", "Xi'an",
                "Harbin", "Hefei", "Tianjin", "Changsha", "Shenzhen", "Jinan", "Dalian", "Xiamen"],
     "mix": {"zh": 96, "en": 1, "ko": 1, "in": 1, "ru": 1}, "lang": "zh"},
    {"code": "GB", "names": ["UK", "United Kingdom", "U.K."], "weight": 6,
     "cities": ["London", "Oxford", "Cambridge", "Manchester", "Edinburgh", "Bristol", "Glasgow", "Leeds",
                "Birmingham", "Sheffield"],
     "mix": {"en": 60, "zh": 8, "in": 8, "it": 4, "es": 4, "de": 3, "pl": 3, "ar": 3, "fr": 3, "ng": 2, "pt": 2},
     "lang": "en"},
    {"code": "DE", "names": ["Germany", "Deutschland", "Federal Republic of Germany"], "weight": 6,
     "cities": ["München", "Berlin", "Heidelberg", "Göttingen", "Tübingen", "Köln", "Hamburg", "Freiburg",
                "Dresden", "Würzburg"],
     "mix": {"de": 70, "zh": 5, "in": 4, "it": 4, "tr": 4, "pl": 3, "ru": 3, "es": 3, "fa": 2, "fr": 2},
     "lang": "de"},
    {"code": "JP", "names": ["Japan"], "weight": 4,
     "cities": ["Tokyo", "Kyoto", "Osaka", "Sendai", "Nagoya", "Sapporo", "Fukuoka", "Tsukuba"],
     "mix": {"ja": 92, "zh": 5, "ko": 2, "en": 1}, "lang": "ja"},
    {"code": "IN", "names": ["India"], "weight": 5,
     "cities": ["Bengaluru", "Mumbai", "New Delhi", "Chennai", "Kolkata", "Hyderabad", "Pune", "Kanpur"],
     "mix": {"in": 98, "en": 1, "ar": 1}, "lang": "en"},
    {"code": "KR", "names": ["South Korea", "Korea", "Republic of Korea"], "weight": 3,
     "cities": ["Seoul", "Daejeon", "Pohang", "Busan", "Suwon", "Gwangju"],
     "mix": {"ko": 94, "zh": 3, "en": 2, "in": 1}, "lang": "en"},
    {"code": "FR", "names": ["France"], "weight": 4,
     "cities": ["Paris", "Lyon", "Grenoble", "Toulouse", "Marseille", "Strasbourg", "Bordeaux", "Montpellier"],
     "mix": {"fr": 75, "ar": 6, "it": 4, "es": 4, "zh": 4, "de": 2, "pt": 2, "en": 2, "vi": 1}, "lang": "fr"},
    {"code": "ES", "names": ["Spain", "España"], "weight": 3,
     "cities": ["Madrid", "Barcelona", "Valencia", "Sevilla", "Granada", "Salamanca", "Zaragoza"],
     "mix": {"es": 88, "it": 3, "pt": 2, "fr": 2, "en": 2, "de": 2, "ar": 1}, "lang": "es"},
    {"code": "IT", "names": ["Italy", "Italia"], "weight": 3,
     "cities": ["Milano", "Roma", "Bologna", "Padova", "Torino", "Napoli", "Pisa", "Firenze"],
     "mix": {"it": 90, "es": 2, "de": 2, "fr": 2, "en": 2, "in": 1, "fa": 1}, "lang": "it"},
    {"code": "BR", "names": ["Brazil", "Brasil"], "weight": 3,
     "cities": ["São Paulo", "Rio de Janeiro", "Campinas", "Belo Horizonte", "Porto Alegre", "Recife"],
     "mix": {"pt": 90, "es": 4, "it": 3, "ja": 2, "de": 1}, "lang": "pt"},
    {"code": "MX", "names": ["Mexico", "México"], "weight": 1.5,
     "cities": ["Ciudad de México", "Guadalajara", "Monterrey", "Puebla"],
     "mix": {"es": 95, "en": 3, "fr": 2}, "lang": "es"},
    {"code": "AR", "names": ["Argentina"], "weight": 1,
     "cities": ["Buenos Aires", "Córdoba", "La Plata", "Rosario"],
     "mix": {"es": 85, "it": 12, "de": 3}, "lang": "es"},
    {"code": "CA", "names": ["Canada"], "weight": 3,
     "cities": ["Toronto", "Montréal", "Vancouver", "Waterloo", "Ottawa", "Calgary"],
     "mix": {"en": 50, "fr": 15, "zh": 12, "in": 8, "fa": 5, "ko": 3, "ar": 3, "es": 2, "pl": 2}, "lang": "en"},
    {"code": "AU", "names": ["Australia"], "weight": 3,
     "cities": ["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Canberra"],
     "mix": {"en": 60, "zh": 15, "in": 8, "vi": 4, "it": 3, "ko": 3, "de": 3, "fa": 2, "ar": 2}, "lang": "en"},
    {"code": "NL", "names": ["Netherlands", "The Netherlands", "Nederland"], "weight": 2,
     "cities": ["Amsterdam", "Delft", "Utrecht", "Leiden", "Groningen", "Eindhoven"],
     "mix": {"nl": 70, "de": 6, "zh": 5, "it": 4, "tr": 4, "es": 3, "in": 3, "en": 3, "fr": 2}, "lang": "en"},
    {"code": "SE", "names": ["Sweden", "Sverige"], "weight": 1.5,
     "cities": ["Stockholm", "Uppsala", "Lund", "Göteborg", "Umeå"],
     "mix": {"nordic": 75, "fa": 5, "de": 5, "zh": 5, "en": 4, "pl": 3, "ar": 3}, "lang": "en"},
    {"code": "DK", "names": ["Denmark", "Danmark"], "weight": 1,
     "cities": ["København", "Aarhus", "Odense", "Aalborg"],
     "mix": {"nordic": 82, "de": 6, "en": 4, "zh": 4, "pl": 4}, "lang": "en"},
    {"code": "NO", "names": ["Norway", "Norge"], "weight": 1,
     "cities": ["Oslo", "Bergen", "Trondheim", "Tromsø"],
     "mix": {"nordic": 82, "de": 6, "en": 4, "pl": 4, "fa": 4}, "lang": "en"},
    {"code": "FI", "names": ["Finland", "Suomi"], "weight": 0.7,
     "cities": ["Helsinki", "Espoo", "Turku", "Oulu"],
     "mix": {"nordic": 85, "ru": 8, "en": 4, "zh": 3}, "lang": "en"},
    {"code": "CH", "names": ["Switzerland", "Schweiz", "Suisse"], "weight": 2,
     "cities": ["Zürich", "Lausanne", "Genève", "Basel", "Bern"],
     "mix": {"de": 45, "fr": 25, "it": 12, "en": 5, "es": 4, "zh": 4, "pl": 3, "nl": 2}, "lang": "de"},
    {"code": "PL", "names": ["Poland", "Polska"], "weight": 1.5,
     "cities": ["Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań"],
     "mix": {"pl": 95, "ru": 3, "de": 2}, "lang": "pl"},
    {"code": "CZ", "names": ["Czech Republic", "Czechia"], "weight": 0.7,
     "cities": ["Praha", "Brno", "Olomouc"],
     "mix": {"pl": 92, "ru": 4, "de": 4}, "lang": "pl"},
    {"code": "TR", "names": ["Turkey", "Türkiye"], "weight": 1.5,
     "cities": ["İstanbul", "Ankara", "İzmir", "Bursa", "Eskişehir"],
     "mix": {"tr": 95, "ar": 3, "fa": 2}, "lang": "tr"},
    {"code": "IR", "names": ["Iran", "Islamic Republic of Iran"], "weight": 1.5,
     "cities": ["Tehran", "Isfahan", "Shiraz", "Tabriz", "Mashhad"],
     "mix": {"fa": 97, "ar": 3}, "lang": "en"},
    {"code": "EG", "names": ["Egypt"], "weight": 0.7,
     "cities": ["Cairo", "Alexandria", "Giza", "Mansoura"],
     "mix": {"ar": 99, "en": 1}, "lang": "en"},
    {"code": "SA", "names": ["Saudi Arabia", "KSA", "Kingdom of Saudi Arabia"], "weight": 1,
     "cities": ["Riyadh", "Jeddah", "Dhahran", "Thuwal"],
     "mix": {"ar": 75, "in": 8, "zh": 5, "en": 4, "fa": 4, "tr": 2, "es": 2}, "lang": "en"},
    {"code": "NG", "names": ["Nigeria"], "weight": 0.5,
     "cities": ["Lagos", "Ibadan", "Nsukka", "Zaria"],
     "mix": {"ng": 97, "en": 3}, "lang": "en"},
    {"code": "ZA", "names": ["South Africa"], "weight": 0.7,
     "cities": ["Cape Town", "Johannesburg", "Pretoria", "Stellenbosch"],
     "mix": {"en": 55, "nl": 15, "ng": 15, "in": 10, "de": 5}, "lang": "en"},
    {"code": "RU", "names": ["Russia", "Russian Federation"], "weight": 1.5,
     "cities": ["Moscow", "Saint Petersburg", "Novosibirsk", "Kazan", "Tomsk"],
     "mix": {"ru": 95, "tr": 2, "pl": 2, "ko": 1}, "lang": "en"},
    {"code": "IL", "names": ["Israel"], "weight": 0.8,
     "cities": ["Tel Aviv", "Jerusalem", "Haifa", "Rehovot"],
     "mix": {"he": 80, "ru": 10, "ar": 6, "en": 4}, "lang": "en"},
    {"code": "SG", "names": ["Singapore"], "weight": 0.8,
     "cities": ["Singapore"],
     "mix": {"zh": 60, "in": 15, "en": 10, "ko": 5, "vi": 5, "ja": 5}, "lang": "en"},
    {"code": "VN", "names": ["Vietnam", "Viet Nam"], "weight": 0.5,
     "cities": ["Hanoi", "Ho Chi Minh City", "Da Nang"],
     "mix": {"vi": 97, "en": 2, "ko": 1}, "lang": "en"},
]

# Institution name templates per language: (local form, type, English form)
INSTITUTION_TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    "en": [("University of {city}", "education", ""), ("{city} State University", "education", ""),
           ("{city} Institute of Technology", "education", ""), ("{city} University", "education", ""),
           ("{city} General Hospital", "healthcare", ""), ("{city} National Laboratory", "facility", ""),
           ("{city} Research Institute", "facility", ""), ("{city} Medical Center", "healthcare", "")],
    "zh": [("{city} University", "education", ""), ("{city} University of Technology", "education", ""),
           ("{city} Normal University", "education", ""), ("{city} Institute of Advanced Study", "facility", ""),
           ("{city} Medical University", "education", ""), ("{city} People's Hospital", "healthcare", "")],
    "de": [("Universität {city}", "education", "University of {city}"),
           ("Technische Universität {city}", "education", "Technical University of {city}"),
           ("Universitätsklinikum {city}", "healthcare", "University Hospital {city}"),
           ("Max-Planck-Institut {city}", "facility", "Max Planck Institute {city}"),
           ("Hochschule {city}", "education", "{city} University of Applied Sciences")],
    "fr": [("Université de {city}", "education", "University of {city}"),
           ("École Polytechnique de {city}", "education", "Polytechnic School of {city}"),
           ("Centre Hospitalier Universitaire de {city}", "healthcare", "University Hospital of {city}"),
           ("Institut de Recherche de {city}", "facility", "{city} Research Institute")],
    "es": [("Universidad de {city}", "education", "University of {city}"),
           ("Universidad Politécnica de {city}", "education", "Technical University of {city}"),
           ("Hospital Universitario de {city}", "healthcare", "{city} University Hospital"),
           ("Instituto de Investigación de {city}", "facility", "{city} Research Institute")],
    "pt": [("Universidade de {city}", "education", "University of {city}"),
           ("Universidade Federal de {city}", "education", "Federal University of {city}"),
           ("Hospital das Clínicas de {city}", "healthcare", "{city} Clinical Hospital")],
    "it": [("Università di {city}", "education", "University of {city}"),
           ("Politecnico di {city}", "education", "Polytechnic University of {city}"),
           ("Istituto Nazionale di Ricerca di {city}", "facility", "{city} National Research Institute")],
    "ja": [("University of {city}", "education", ""), ("{city} Institute of Technology", "education", ""),
           ("{city} University Hospital", "healthcare", "")],
    "pl": [("Uniwersytet {city}", "education", "University of {city}"),
           ("Politechnika {city}", "education", "{city} University of Technology")],
    "tr": [("{city} Üniversitesi", "education", "{city} University"),
           ("{city} Teknik Üniversitesi", "education", "{city} Technical University")],
}

COMPANIES = [
    "Helix Biosciences", "Nordlys Energy", "Veridian Analytics", "Kestrel Robotics", "Aurora Quantum",
    "Lumen Diagnostics", "Sinotech Materials", "Bluefin Networks", "Orchard Genomics", "Tessellate AI",
    "Meridian Pharma", "Granite Semiconductor",
]

ABBREVIATIONS = [
    ("University", "Univ."), ("Universität", "Univ."), ("Université", "Univ."), ("Universidad", "Univ."),
    ("Universidade", "Univ."), ("Università", "Univ."), ("Institute", "Inst."), ("Institut", "Inst."),
    ("Technology", "Technol."), ("National", "Natl."), ("Laboratory", "Lab."), ("Hospital", "Hosp."),
    ("Department", "Dept."), ("Medical", "Med."), ("Technische", "Tech."), ("Research", "Res."),
]

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "ı": "i",
                       "đ": "d", "Đ": "D", "–": "-", "œ": "oe"})
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def fold_ascii(text: str) -> str:
    """Drop diacritics the way careless metadata does: "Østergaard" -> "Ostergaard"."""
    text = text.translate(_FOLD)
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def german_transliterate(text: str) -> str:
    """"Müller" -> "Mueller"."""
    return fold_ascii(text.translate(_GERMAN))


def full_name(name: tuple) -> str:
    """The canonical display form, given name(s) first."""
    _, given, middle, family = name
    if middle:
        return f"{given} {middle} {family}"
    return f"{given} {family}"


def _initials(given: str) -> str:
    out = []
    for word in given.split(" "):
        parts = word.split("-")
        if len(parts) > 1:
            out.append("-".join(p[0] + "." for p in parts if p))
        elif word:
            out.append(word[0] + ".")
    return " ".join(out)


def name_variant(name: tuple, kind: int) -> str:
    """One of the ways a byline prints this name.

    kinds: 0 full, 1 all initials, 2 first initial, 3 inverted, 4 inverted initials,
    5 diacritics dropped, 6 culture-specific (family first, first surname only, no hyphen...),
    7 given name without middle.
    """
    culture, given, middle, family = name
    if kind == 0:
        return full_name(name)
    if kind == 1:
        ini = _initials(given)
        if middle:
            ini = ini + " " + _initials(middle.rstrip("."))
        return f"{ini} {family}"
    if kind == 2:
        return f"{given[0]}. {family}"
    if kind == 3:
        return f"{family}, {given} {middle}".rstrip() if middle else f"{family}, {given}"
    if kind == 4:
        ini = _initials(given)
        if middle:
            ini = ini + " " + _initials(middle.rstrip("."))
        return f"{family}, {ini}"
    if kind == 5:
        if culture == "de":
            return german_transliterate(full_name(name))
        return fold_ascii(full_name(name))
    if kind == 6:
        info = CULTURES[culture]
        if info.get("family_first"):
            return f"{family} {given}"
        if " " in family and culture in ("es", "pt"):
            first, _, rest = family.partition(" ")
            if culture == "pt":
                return f"{given} {rest}"
            return f"{given} {first}-{rest}" if len(given) % 2 else f"{given} {first}"
        if "-" in given:
            return f"{given.replace('-', '')} {family}"
        return f"{family.upper()} {given}"
    if kind == 7:
        return f"{given} {family}"
    raise ValueError(f"unknown name variant {kind}")


# Relative frequency of the variant kinds in bylines.
VARIANT_WEIGHTS = [50, 14, 8, 7, 5, 6, 6, 4]
