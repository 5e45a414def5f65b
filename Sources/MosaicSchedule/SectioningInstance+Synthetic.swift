extension SectioningInstance {
    /// A synthetic high school to section, shaped like the ones a scheduler meets: grades
    /// 9–12 in equal shares, seven periods and an X block, about 150 courses (English and
    /// its honors, ESL 1–3, a math and a science sequence with honors and AP, social
    /// studies, world languages, physical education, some sixty electives, intervention
    /// and enrichment in the X block, and AP Chemistry as a lecture with its lab), the
    /// sections each course's demand calls for (about 400 for 2,000 students: many
    /// singletons and doubletons, where conflicts come from) in periods drawn at random.
    ///
    /// Students carry five groups drawn from shares near a large urban district's
    /// (race/ethnicity; economic disadvantage depends on it; English learners mostly
    /// Hispanic and Asian; a fifth with a disability), and the groups shape requests as
    /// they do in real schools: English learners take ESL, students with disabilities or
    /// learning English have `need` (1–2) and intervention in the X block, and honors/AP
    /// requests (each with the regular course as an alternative) are twice as likely
    /// among students who are not economically disadvantaged — so a course's sections
    /// can mirror it or sort it. Every draw comes from `rng`.
    ///
    /// `capacity` is the seats each course offers per student asking for it first (1.08:
    /// a little slack; below 1 some requests cannot be met, which is what makes an
    /// instance hard).
    public static func synthetic(students count: Int = 2_000, capacity: Double = 1.08,
                                 using rng: inout some RandomNumberGenerator) -> SectioningInstance {
        func draw(_ shares: [(String, Double)]) -> String {
            var x = Double.random(in: 0..<1, using: &rng)
            for (name, p) in shares { if x < p { return name }; x -= p }
            return shares.last!.0
        }
        func padded(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        let electives = [
            "Art I", "Art II", "Ceramics", "Photography", "Band", "Orchestra", "Chorus", "Theatre", "Dance",
            "Computer Science Principles", "AP Computer Science A", "Journalism", "Psychology", "AP Psychology", "Sociology",
            "Creative Writing", "Robotics", "Engineering Design", "Culinary Arts", "Business", "Accounting", "Graphic Design",
            "Film Studies", "Debate", "Anatomy", "Environmental Science", "AP Environmental Science", "Marine Biology",
            "Astronomy", "Financial Literacy", "Latin I", "Latin II", "Forensic Science", "Digital Media", "Web Design",
            "Music Theory", "AP Music Theory", "Jazz Ensemble", "Drawing", "Painting", "Sculpture", "Yearbook",
            "Public Speaking", "African American Studies", "Latin American Studies", "Asian American Studies", "Ethnic Studies",
            "Law and Government", "Criminal Justice", "Health Careers", "Child Development", "Fashion Design", "Architecture",
            "Game Design", "Data Science", "Entrepreneurship", "Peer Leadership", "Community Service", "Fitness and Strength",
            "Dance II", "Theatre Tech", "Stagecraft", "Printmaking", "Animation", "Creative Nonfiction", "Poetry",
            "Mythology", "Philosophy", "World Religions", "Urban Studies", "Geography", "Sports Medicine", "Nutrition",
            "Kinesiology", "Genetics", "Biotechnology", "Electronics", "Automotive Technology", "Carpentry",
            "Cosmetology", "Hospitality", "Marketing", "Personal Finance", "Italian I", "Arabic I",
        ]
        let enrichment = ["Science Olympiad", "Model UN", "Art Studio", "Coding Club", "Math Team", "Literary Magazine"]
        var titles: [String: String] = [:], levels: [String: String] = [:]
        func course(_ id: String, _ title: String, _ level: String = "general") -> String {
            titles[id] = title; levels[id] = level; return id
        }
        var students: [Student] = []
        for k in 0..<count {
            let grade = 9 + k * 4 / max(count, 1)
            let race = draw([("hispanic", 0.41), ("black", 0.22), ("asian", 0.18), ("white", 0.16), ("multiracial", 0.03)])
            let disadvantaged = chance(["hispanic": 0.80, "black": 0.78, "asian": 0.65, "white": 0.45][race] ?? 0.55)
            let el = chance((["hispanic": 0.20, "asian": 0.18][race] ?? 0.04) * (grade <= 10 ? 1.3 : 0.7))
            let swd = chance(0.20)
            let advanced = chance(disadvantaged ? 0.18 : 0.36) && !swd || chance(0.05)
            var requests: [Request] = []
            func ask(_ id: String, alternatives: [String]? = nil, weight: Double? = nil) {
                requests.append(Request(course: id, weight: weight, alternatives: alternatives))
            }
            // Seven periods: English, math, science, social studies, physical education, then
            // ESL (English learners) or a world language (most others), then electives up
            // to seven courses — six for a fifth of students, who have a free period.
            var periodsWanted = chance(0.25) ? 6 : 7
            let english = course("ENG\(grade)", "English \(grade)")
            if advanced && !el { ask(course("ENG\(grade)-H", "English \(grade) Honors", "honors"), alternatives: [english]) } else { ask(english) }
            // Mathematics.
            let math: [(String, String, String, String)] = [   // regular, title, advanced, title
                ("ALG1", "Algebra I", "GEOM-H", "Geometry Honors"), ("GEOM", "Geometry", "ALG2-H", "Algebra II Honors"),
                ("ALG2", "Algebra II", "PRECALC-H", "Precalculus Honors"), ("PRECALC", "Precalculus", "AP-CALC", "AP Calculus AB")]
            let (m, mt, a, at) = math[grade - 9]
            if advanced { ask(course(a, at, a.hasPrefix("AP") ? "advanced" : "honors"), alternatives: [course(m, mt)]) } else { ask(course(m, mt)) }
            // Science.
            let science: [(String, String, String, String)] = [
                ("BIO", "Biology", "BIO-H", "Biology Honors"), ("CHEM", "Chemistry", "CHEM-H", "Chemistry Honors"),
                ("PHYS", "Physics", "AP-BIO", "AP Biology"), ("EARTH", "Earth Science", "AP-CHEM", "AP Chemistry")]
            let (s, st, sa, sat) = science[grade - 9]
            if advanced && chance(0.8) {
                ask(course(sa, sat, sa.hasPrefix("AP") ? "advanced" : "honors"), alternatives: [course(s, st)])
                if sa == "AP-CHEM" { periodsWanted -= 1 }   // its lab takes a period of its own
            } else {
                ask(course(s, st))
            }
            // Social studies.
            let social: [(String, String, String?, String?)] = [
                ("GLOBAL1", "Global History I", nil, nil), ("GLOBAL2", "Global History II", "AP-WORLD", "AP World History"),
                ("USHIST", "US History", "AP-USH", "AP US History"), ("GOV", "Government and Economics", "AP-GOV", "AP Government")]
            let (h, ht, ha, hat) = social[grade - 9]
            if advanced, let ha, let hat, chance(0.7) { ask(course(ha, hat, "advanced"), alternatives: [course(h, ht)]) } else { ask(course(h, ht)) }
            // Physical education, or health in grade 10.
            if grade == 10 && chance(0.5) { ask(course("HEALTH", "Health")) } else { ask(course(grade <= 10 ? "PE-A" : "PE-B", grade <= 10 ? "Physical Education 9–10" : "Physical Education 11–12")) }
            // ESL, or a world language (most students).
            if el {
                ask(course("ESL\(min(3, grade - 8))", "English as a New Language \(min(3, grade - 8))"))
            } else if chance(0.85) {
                let language = draw([("SPAN", 0.6), ("FREN", 0.25), ("MAND", 0.15)])
                let name = ["SPAN": "Spanish", "FREN": "French", "MAND": "Mandarin"][language]!
                let level = min(grade - 8, language == "MAND" ? 2 : language == "FREN" ? 3 : 4)
                if language == "SPAN" && grade == 12 && advanced { ask(course("AP-SPAN", "AP Spanish Language", "advanced"), alternatives: [course("SPAN4", "Spanish 4")]) }
                else { ask(course("\(language)\(level)", "\(name) \(level)")) }
            }
            // Electives (AP Statistics for some seniors) up to her number of periods, each
            // with two alternatives, worth half a core course.
            if grade == 12 && advanced && chance(0.3) && requests.count < periodsWanted {
                ask(course("AP-STAT", "AP Statistics", "advanced"), alternatives: [course("STAT", "Statistics")])
            }
            var pool = electives.indices.shuffled(using: &rng)[...]
            while requests.count < periodsWanted, pool.count >= 3 {
                let ids = pool.prefix(3).map { course("EL" + padded($0 + 1, 2), electives[$0], electives[$0].hasPrefix("AP") ? "advanced" : "elective") }
                pool = pool.dropFirst(3)
                ask(ids[0], alternatives: Array(ids.dropFirst()), weight: 0.5)
            }
            // X block: intervention for students with needs, enrichment for some others.
            let need = (swd ? 1 : 0) + (el ? 1 : 0)
            if need > 0 && chance(0.6) {
                ask(chance(0.5) ? course("X-MATHLAB", "Math Lab (X block)", "intervention") : course("X-READLAB", "Reading Lab (X block)", "intervention"))
            } else if chance(0.3) {
                let e = Int.random(in: 0..<enrichment.count, using: &rng)
                ask(course("X-ENR\(e + 1)", "\(enrichment[e]) (X block)", "enrichment"))
            }
            students.append(Student(
                id: "S" + padded(k + 1, 5), grade: String(grade), need: need,
                groups: ["race": race, "economic": disadvantaged ? "disadvantaged" : "not disadvantaged",
                         "englishLearner": el ? "el" : "not el", "disability": swd ? "swd" : "none",
                         "gender": chance(0.5) ? "female" : "male"],
                requests: requests))
        }
        // Sections for each course's demand (first choices), in periods drawn at random.
        var demand: [String: Int] = [:]
        for st in students { for r in st.requests { demand[r.course, default: 0] += 1 } }
        let periods = ["1", "2", "3", "4", "5", "6", "7", "X"]
        var courses: [Course] = []
        for id in titles.keys.sorted() {
            let wanted = demand[id] ?? 0
            // Class sizes: 34 (the New York City high school cap), 45 in physical education,
            // 30 in electives, 20 in ESL and intervention.
            let size = levels[id] == "intervention" || id.hasPrefix("ESL") ? 20 : id.hasPrefix("PE-") ? 45 : levels[id] == "elective" ? 30 : 34
            let count = max(1, Int((Double(wanted) / Double(size)).rounded(.up)))
            let limit = wanted == 0 ? size : min(size, Int((Double(wanted) * capacity / Double(count)).rounded(.up)) + 1)
            let offset = Int.random(in: 0..<7, using: &rng)
            func period(_ k: Int) -> String { id.hasPrefix("X-") ? "X" : periods[(offset + k * 3) % 7] }
            if id == "AP-CHEM" {
                let lectures = (0..<count).map { Section(id: "\(id)-L\($0 + 1)", limit: limit, period: period($0)) }
                let labs = lectures.enumerated().map { k, l in
                    Section(id: "\(id)-B\(k + 1)", limit: limit, period: periods[(offset + k * 3 + 1) % 7], parent: l.id)
                }
                courses.append(Course(id: id, title: titles[id], level: levels[id], sections: nil,
                                      configs: [Config(id: "lecture+lab", subparts: [Subpart(id: "lecture", sections: lectures), Subpart(id: "lab", sections: labs)])]))
            } else {
                courses.append(Course(id: id, title: titles[id], level: levels[id],
                                      sections: (0..<count).map { Section(id: "\(id)-\($0 + 1)", limit: limit, period: period($0)) }, configs: nil))
            }
        }
        return SectioningInstance(name: "Synthetic high school (\(count) students)", periods: periods, courses: courses,
                                  students: students, balance: ["race", "economic"])
    }
}
