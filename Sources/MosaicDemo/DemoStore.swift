import Foundation
import MosaicBoundaries
import MosaicChoice
import MosaicCore
import MosaicDiagnostic
import MosaicImport
import MosaicMetrics
import MosaicSchedule
import MosaicServer
import MosaicStore

/// The demo store `mosaic demo` serves: a synthetic district (labelled so) over four
/// school years — school compositions drawn from the real NYC 2017-18 schools, tracking
/// and sorting that ease year by year — with an example action plan, application rounds,
/// an enrichment round, a kept schedule review and boundary scenarios; and the real NYC
/// community school districts from the Demographic Snapshot. Every step goes through the
/// same store operations and use cases the service uses. Deterministic (fixed seeds).
public struct DemoStore: Sendable {
    public var students: Int
    public var schools: Int
    /// Random assignments per school for the classroom baselines.
    public var baseline: Int
    /// The NYC Demographic Snapshot school file, the elementary zones and school locations.
    public var snapshot: String
    public var zones: String
    public var locations: String
    /// The CRDC high-school file (default: the copy shipped with Mosaic).
    public var crdcFile: String = CRDCData.highSchools
    public var guidebook: Guidebook
    /// What the demo tells the person building it (the example paths and codes).
    public var say: @Sendable (String) -> Void
    /// Progress of the long steps: step, done, of.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    /// The synthetic district's school years: tracking and sorting ease as its plan takes hold.
    public static let years: [(year: Int, tracking: Double, sorting: Double)] = [
        (2023, 1.2, 0.7), (2024, 1.0, 0.6), (2025, 0.7, 0.45), (2026, 0.4, 0.3),
    ]

    public init(students: Int, schools: Int, baseline: Int, snapshot: String, zones: String, locations: String, guidebook: Guidebook,
                say: @escaping @Sendable (String) -> Void, progress: (@Sendable (String, Int, Int) -> Void)?) {
        self.students = students
        self.schools = schools
        self.baseline = baseline
        self.snapshot = snapshot
        self.zones = zones
        self.locations = locations
        self.guidebook = guidebook
        self.say = say
        self.progress = progress
    }

    /// Builds the demo store: the synthetic district over four school years with its
    /// example plan, round, enrichment and schedule review, then the NYC districts.
    public func build(into store: any Store) async throws {
        let nyc = try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: snapshot))
        let profiles = SyntheticDistrict.Profile.from(nyc, year: SchoolYear(startYear: 2017))
        // The district is measured against the city its school profiles come from.
        let city = Self.cityCounts(nyc.filter { $0.year == SchoolYear(startYear: 2017) })
        let progress = self.progress
        for (i, y) in Self.years.enumerated() {
            say("school year \(y.year - 1)-\(y.year % 100) (\(i + 1) of \(Self.years.count)): generating \(Format.count(students)) students, diagnosing with \(baseline) draws per school")
            // The same seed every year: the same schools and students, placed differently.
            var rng = SeededGenerator(seed: 2026)
            var roster = SyntheticDistrict(
                .init(students: students, schools: schools, tracking: y.tracking, sorting: y.sorting, schoolYear: y.year),
                profiles: profiles, using: &rng).roster
            roster.reference = Self.syntheticReference(city)
            var options = DiagnosticOptions(
                baselineDraws: baseline, seed: UInt64(y.year), minimumN: 10,
                parallelism: ProcessInfo.processInfo.activeProcessorCount, guidebook: guidebook, progress: progress)
            options.referenceName = "New York City public schools, 2017-18 (DOE Demographic Snapshot), in the synthetic students' groups"
            let diagnostic = try diagnose(roster, options: options)
            let owner = roster.orgs.first { $0.type == "district" }!
            let term = TermRecord(
                district: owner.id, id: "\(y.year - 1)-\(y.year % 100)", title: "\(y.year - 1)–\(y.year % 100) (\(diagnostic.termTitle))",
                schoolYear: y.year, importedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 31_536_000),
                students: diagnostic.students, schools: diagnostic.schools, sections: diagnostic.classes,
                enrollments: roster.enrollmentCount)
            try await store.importTerm(
                term, district: DistrictRecord(id: owner.id, name: owner.name, synthetic: true), roster: roster,
                diagnostic: StoredDiagnostic(json: try diagnostic.archived(), computedAt: Date(),
                                             options: "baseline=\(baseline) seed=\(y.year) min-n=10"),
                replace: true)
        }
        try await seedPlan(store, guidebook: guidebook)
        try await seedRound(store)
        try await seedEnrichment(store)
        try await seedScheduleReview(store)
        try await buildNYC(into: store, nyc)
        try await buildPublicDistricts(into: store)
    }

    /// Every US district of the CRDC 2015-16 high-school file (shipped with Mosaic), as
    /// public-data districts with their states as references (issue 24).
    func buildPublicDistricts(into store: any Store) async throws {
        let clock = ContinuousClock(), started = clock.now
        let crdc = try CRDCFile.read(crdcFile)
        let analysis = PublicDataAnalysis(crdc.schools)
        let items = try PublicDistricts.items(analysis, guidebook: guidebook, importedAt: Date(timeIntervalSince1970: 1_467_244_800),
                                              progress: progress)
        try await store.importPublicDistricts(items, replace: true)
        say("CRDC 2015-16: \(Format.count(items.count)) public-data districts in \(analysis.states.count) states (\(Format.count(crdc.schools.count)) high schools) in \(Format.fixed(Double((clock.now - started).components.attoseconds) * 1e-18 + Double((clock.now - started).components.seconds), 1)) s")
    }

    /// The city's counts per dimension (NYC's groups, in `Dimension.groups` order): every
    /// school of the Demographic Snapshot's year added up.
    static func cityCounts(_ city: [SchoolDemographics]) -> [MosaicCore.Dimension: [Int]] {
        var reference: [MosaicCore.Dimension: [Int]] = [:]
        for dimension in MosaicCore.Dimension.allCases {
            let rows = city.map { $0.counts(of: dimension) }.filter { $0.count == dimension.groups.count && !dimension.groups.isEmpty }
            if !rows.isEmpty { reference[dimension] = (0..<dimension.groups.count).map { k in rows.reduce(0) { $0 + $1[k] } } }
        }
        return reference
    }

    /// The city's counts in the groups the synthetic students are drawn in (`SyntheticDistrict`):
    /// NYC's "multiracial or other" as multiracial, poverty as economically disadvantaged,
    /// and students with disabilities split 4 : 1 between an IEP and a 504 plan, as the
    /// generator splits them.
    static func syntheticReference(_ city: [MosaicCore.Dimension: [Int]]) -> Roster.Reference {
        var out: Roster.Reference = [:]
        if let r = city[.race] {
            out[.race] = ["asian": r[0], "black": r[1], "hispanic": r[2], "multiracial": r[3], "white": r[4]]
        }
        if let e = city[.economic] { out[.economic] = ["disadvantaged": e[0], "notDisadvantaged": e[1]] }
        if let e = city[.englishLearner] { out[.englishLearner] = ["el": e[0], "notEl": e[1]] }
        if let d = city[.disability] {
            let iep = Int((Double(d[0]) * 0.8).rounded())
            out[.disability] = ["iep": iep, "504": d[0] - iep, "none": d[1]]
        }
        if let g = city[.gender] { out[.gender] = ["female": g[0], "male": g[1]] }
        return out
    }

    /// The real NYC data: each of the 32 community school districts as a district, one
    /// term per school year of the Demographic Snapshot (school-level counts, so the
    /// across-schools level only), against the city's schools as its reference.
    func buildNYC(into store: any Store, _ nyc: [SchoolDemographics]) async throws {
        let years = Set(nyc.map(\.year)).sorted()
        let districts = Set(nyc.map(\.dbn.district)).filter { (1...32).contains($0) }.sorted()
        say("NYC Demographic Snapshot: \(districts.count) community school districts × \(years.count) school years (\(years.first?.description ?? "")–\(years.last?.description ?? ""))")
        let progress = self.progress
        for (y, year) in years.enumerated() {
            let city = nyc.filter { $0.year == year }
            let reference = Self.cityCounts(city)
            for (k, number) in districts.enumerated() {
                progress?("importing NYC \(year)", y * districts.count + k, years.count * districts.count)
                let schools = city.filter { $0.dbn.district == number }.sorted { $0.dbn < $1.dbn }
                guard !schools.isEmpty else { continue }
                let code = schools[0].dbn.districtCode
                let borough = Dictionary(grouping: schools, by: \.dbn.boroughName).max { $0.value.count < $1.value.count }?.key ?? ""
                let district = DistrictRecord(id: "nyc-\(code)", name: "NYC Community School District \(code) (\(borough))", synthetic: false)
                let termID = year.description
                var options = DiagnosticOptions(minimumN: 10, guidebook: guidebook)
                options.referenceName = "New York City public schools, \(termID) (DOE Demographic Snapshot)"
                let diagnostic = diagnose(schools: schools, reference: reference, termID: termID,
                                          termTitle: "\(termID) (school counts)", options: options)
                // The stored roster: the district, its schools and the city's counts as the
                // reference; the school counts themselves are in the diagnostic.
                var refCounts: Roster.Reference = [:]
                for (dimension, counts) in reference { refCounts[dimension] = Dictionary(uniqueKeysWithValues: zip(dimension.groups, counts)) }
                let roster = Roster(
                    version: "1.1",
                    orgs: [.init(id: district.id, name: district.name, type: "district")]
                        + schools.map { .init(id: $0.dbn.description, name: $0.name, type: "school", parent: 0) },
                    sessions: [.init(id: termID, title: termID, type: "schoolYear", startDate: "\(year.startYear)-09-01",
                                     endDate: "\(year.startYear + 1)-06-30", schoolYear: year.startYear + 1)],
                    courses: [], sections: [], students: [], enrollmentSection: [], enrollmentStudent: [], reference: refCounts)
                let term = TermRecord(district: district.id, id: termID, title: diagnostic.termTitle, schoolYear: year.startYear + 1,
                                      importedAt: Date(timeIntervalSince1970: 1_600_000_000 + Double(y) * 86_400),
                                      students: diagnostic.students, schools: diagnostic.schools, sections: 0, enrollments: 0)
                try await store.importTerm(
                    term, district: district, roster: roster,
                    diagnostic: StoredDiagnostic(json: try diagnostic.archived(), computedAt: Date(), options: "school-level counts, min-n=10"),
                    replace: true)
            }
        }
        progress?("importing NYC", years.count * districts.count, years.count * districts.count)
    }

    /// An example action plan, as a district might start one after its first diagnostic:
    /// one action per root cause, each with a measure the dashboard reads from every term.
    func seedPlan(_ store: any Store, guidebook: Guidebook) async throws {
        guard let district = try await store.districts().first?.id, try await store.planItems(district: district).isEmpty else { return }
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let by = "demo (example plan)"
        let items = [
            PlanItem(district: district, id: "", rootCause: "courseEnrollment", action: "universalIdentification", title: "",
                     detail: "Enrol every grade 9–12 student who meets the state benchmark in the next honors or AP course; families may opt out. Counsellors review the list with teachers in May.",
                     scope: .withinSchools, owner: "Chief academic officer", timeline: .short, status: .inProgress,
                     notes: [.advocates: "Parents asked for the letter in every home language and for a named contact at each school.",
                             .educators: "Teachers want support for larger, more mixed honors classes."],
                     steps: [.prioritize: "Highest impact for the least cost; the gap for Black and Hispanic students is the widest.",
                             .plan: "Letters in April, schedules built in June, first look at fall enrolment in October."],
                     measure: .init(indicator: "advancedRate:race:black", target: 0.3, by: "2026-27"), updatedAt: at, updatedBy: by),
            PlanItem(district: district, id: "", rootCause: "scheduling", action: "scheduleAudits", title: "",
                     detail: "Audit each high school's master schedule before it is final: no singleton advanced course against the only ESL or intervention section.",
                     scope: .withinSchools, owner: "Director of school operations", timeline: .medium, status: .planned,
                     steps: [.align: "Part of the district's strategic plan goal 2 (every student in rigorous courses)."],
                     measure: .init(indicator: "classroomsH:race", target: 0.05, by: "2027-28"), updatedAt: at, updatedBy: by),
            PlanItem(district: district, id: "", rootCause: "districtPolicies", action: "equitableChoice", title: "",
                     detail: "Reserve a share of seats at each high-demand school for students from low-income families in the choice lottery.",
                     scope: .acrossSchools, owner: "Enrollment office", timeline: .long, status: .planned,
                     notes: [.practitioners: "The board asked for two boundary and choice scenarios before a vote."],
                     measure: .init(indicator: "schoolsD:economic", target: 0.3, by: "2028-29"), updatedAt: at, updatedBy: by),
        ]
        for item in items { _ = try await store.addPlanItem(item) }
    }

    /// Example boundary instances with scenarios (issue 8): a generated city with one zone
    /// per school of the synthetic district, and the real NYC District 3 zones cut into
    /// 0.2 km pieces, each redrawn and paired as the service would.
    public func seedBoundaries(_ store: any Store) async throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        if let district = try await store.districts().first(where: \.synthetic) {
            var rng = SeededGenerator(seed: 2028)
            let city = BoundaryInstance.synthetic(schools: schools, blocksPerSchool: 64, using: &rng)
            if let path = try await seedBoundaryExample(store, district: district.id, name: "Generated city: \(schools) elementary zones (synthetic)", instance: city,
                                                        scenarios: [("Redraw: travel +50 %, size ±15 %", "redraw", "race"),
                                                                    ("Redraw for White / not White", "redraw", "race:white"),
                                                                    ("Pair nearby schools K–2 / 3–5", "pair", "race")], beyond: 1.5, at: at) {
                say("example boundary scenarios at \(path)")
            }
        }
        if try await store.districts().contains(where: { $0.id == "nyc-03" }) {
            let (zones, _) = try BoundaryInstance.nyc(districts: [3], year: SchoolYear(startYear: 2017), zones: zones,
                                                      locations: locations, snapshot: snapshot, cell: 0.2)
            if let path = try await seedBoundaryExample(store, district: "nyc-03", name: "NYC District 3 elementary zones 2017-18 (0.2 km pieces)", instance: zones,
                                                        scenarios: [("Redraw: travel +50 %, size ±15 %", "redraw", "race"),
                                                                    ("Redraw for low income", "redraw", "economic"),
                                                                    ("Pair nearby schools K–2 / 3–5", "pair", "race")], beyond: 0.8, at: at) {
                say("example boundary scenarios on the real NYC zones at \(path)")
            }
        }
    }

    /// An example enrichment round at the synthetic district's first school, assigned, so
    /// the enrichment pages and trends have something to show.
    func seedEnrichment(_ store: any Store) async throws {
        guard let district = try await store.districts().first(where: \.synthetic)?.id,
              let term = try await store.terms(district: district).last,
              let school = try await store.roster(district: district, term: term.id).orgs.first(where: { $0.type == "school" })?.id,
              let path = try await seedEnrichmentExample(store, district: district, term: term, school: school) else { return }
        say("an example enrichment round at \(path)")
    }

    /// The schedule review of the synthetic district's first school in its latest term, kept
    /// as the service keeps one (staff ask for the others from the schedule page).
    func seedScheduleReview(_ store: any Store) async throws {
        guard let district = try await store.districts().first(where: \.synthetic)?.id,
              let term = try await store.terms(district: district).last, term.sections > 0,
              let school = try await store.roster(district: district, term: term.id).orgs.first(where: { $0.type == "school" })?.id,
              try await store.scheduleReview(district: district, term: term.id, school: school) == nil,
              let kept = try await store.diagnostic(district: district, term: term.id) else { return }
        let session = try Diagnostic(archived: kept.json).termID
        let roster = try await store.roster(district: district, term: term.id)
        let review = try ScheduleReview.review(roster, school: school, term: session)
        try await store.saveScheduleReview(ScheduleReviewRecord(
            district: district, term: term.id, school: school, basis: term.importedAt,
            json: String(decoding: try JSONEncoder().encode(review), as: UTF8.self), runAt: Date(), runBy: "demo (example)"))
        say("the schedule review of \(school) at /districts/\(district)/terms/\(term.id)/schools/\(school)/schedule")
    }

    /// An example application round for the synthetic district, matched and published:
    /// 1,200 applicants ranking up to 5 of its schools (a synthetic city laid
    /// over the district's schools), a 40 % low-income reserve at a quarter of them. One
    /// family's reference and code are printed, to try the family pages with.
    func seedRound(_ store: any Store) async throws {
        guard let district = try await store.districts().first(where: \.synthetic)?.id,
              try await store.applicationRounds(district: district).isEmpty,
              let term = try await store.terms(district: district).last else { return }
        let schoolIDs = try await store.roster(district: district, term: term.id).orgs.filter { $0.type == "school" }.map(\.id)
        guard !schoolIDs.isEmpty else { return }
        var rng = SeededGenerator(seed: 2027)
        let city = Instance.synthetic(students: 1_200, programmes: schoolIDs.count, choices: min(5, schoolIDs.count),
                                      seats: 1_140, reserveShare: 0.25, using: &rng)
        let id = Dictionary(uniqueKeysWithValues: zip(city.schools.map(\.id), schoolIDs))
        let schools = city.schools.map { s in
            // The synthetic city's unit square as a district 10 km across.
            Instance.School(id: id[s.id]!, capacity: s.capacity, reserves: s.reserves, precedence: s.precedence,
                            location: s.location.map { Instance.Point(x: $0.x * 10, y: $0.y * 10) })
        }
        var definition = RoundDefinition(term: term.id, name: "School choice 2027 (example)", priorityClasses: city.priorityClasses, schools: schools)
        definition.names = ["es": "Elección de escuela 2027 (ejemplo)"]
        let round = try await store.addApplicationRound(ApplicationRoundRecord(
            district: district, term: term.id, name: definition.name, status: "open",
            json: try Rounds.storedJSON(definition), updatedAt: Date(timeIntervalSince1970: 1_790_000_000)))
        var example: (reference: String, code: String)?
        let applications = try city.students.enumerated().map { i, st -> ApplicationRecord in
            var student = st
            student.id = String(format: "K%04d", i + 1)
            student.prefs = st.prefs.map { id[$0]! }
            student.sibling = st.sibling.map { id[$0]! }
            student.zones = st.zones?.map { id[$0]! }
            student.location = nil
            let reference = "R\(round.id)-" + Rounds.randomCode(8, using: &rng), code = Rounds.randomCode(10, using: &rng)
            if i == 0 { example = (reference, code) }
            return ApplicationRecord(district: district, round: round.id, applicant: student.id, reference: reference, secretHash: Rounds.hash(code),
                                     json: try Rounds.storedJSON(student), source: "upload",
                                     submittedAt: Date(timeIntervalSince1970: 1_790_000_000))
        }
        try await store.putApplications(applications, district: district, round: round.id, replacingSource: "upload")
        let match = try RoundMatch(definition, applications: applications, seed: 2027, mechanism: .da, tieBreaking: .single)
        let run = try await store.addMatchRun(MatchRunRecord(district: district, round: round.id, seed: 2027, inputSha256: match.inputSha256,
                                                             mechanism: "da", json: match.document, runAt: Date(timeIntervalSince1970: 1_790_000_000),
                                                             runBy: "demo (example round)"))
        try await Rounds.publish(run, in: store)
        var published = round
        published.status = "published"
        try await store.updateApplicationRound(published)
        // A second round, still taking applications, for the family form.
        var next = definition
        next.name = "Mid-year transfers 2027 (example, open)"
        next.names = ["es": "Traslados a mitad de año 2027 (ejemplo, abierta)"]
        let open = try await store.addApplicationRound(ApplicationRoundRecord(
            district: district, term: term.id, name: next.name, status: "open",
            json: try Rounds.storedJSON(next), updatedAt: Date(timeIntervalSince1970: 1_790_000_000)))
        // Families apply with the code the office sends for their child: 50 example
        // children invited (every tenth with low income verified by the office).
        var invitations: [ApplicationInvitation] = [], firstCode = ""
        for k in 1...50 {
            let code = Rounds.randomCode(12, using: &rng)
            if k == 1 { firstCode = code }
            invitations.append(ApplicationInvitation(district: district, round: open.id, student: String(format: "T%03d", k), codeHash: Rounds.hash(code),
                                                     groups: k % 10 == 0 ? ["economic": "disadvantaged"] : [:], issuedAt: Date(timeIntervalSince1970: 1_790_000_000)))
        }
        try await store.putInvitations(invitations, district: district, round: open.id)
        if let example {
            say("example rounds at /apply/\(district)/\(round.id) (published) and /apply/\(district)/\(open.id) (open) — a family's result in the first: reference \(example.reference), code \(example.code); an application code for the second: \(firstCode)")
        }
    }
}

/// Adds a boundary instance to a district with example scenarios, each run as the service
/// runs them (the form's defaults, with the kind and dimension given), for the demo. Nil
/// when the district already has a boundary instance of that name.
func seedBoundaryExample(_ store: any Store, district: String, name: String, instance: BoundaryInstance,
                                scenarios: [(name: String, kind: String, dimension: String)], beyond: Double, at: Date) async throws -> String? {
    guard try await !store.boundaryInstances(district: district).contains(where: { $0.name == name }) else { return nil }
    let json = String(decoding: try JSONEncoder().encode(instance), as: UTF8.self)
    let record = try await store.addBoundaryInstance(BoundaryInstanceRecord(district: district, name: name, json: json, addedAt: at, addedBy: "demo (example)"))
    for s in scenarios {
        let (settings, problems) = BoundaryScenario.settings(.init(kind: s.kind, dimension: s.dimension, shrink: "15", beyond: "\(beyond)"), instance: instance)
        guard let settings, problems.isEmpty else { throw BoundaryError(problems) }
        let problem = try BoundaryProblem(instance, dimension: settings.dimension, limits: settings.limits)
        let result = try await settings.run(problem) { _ in }
        _ = try await store.addBoundaryScenario(BoundaryScenarioRecord(
            district: district, instance: record.id, name: s.name, kind: settings.kind, settings: String(decoding: try JSONEncoder().encode(settings), as: UTF8.self),
            result: result, runAt: at, runBy: "demo (example)"))
    }
    return "/districts/\(district)/boundaries/\(record.id)"
}

/// The demo's example enrichment round at one school of a district's term: clusters from
/// `EnrichmentInstance.synthetic` (about one per 20 students), about two in three of the
/// school's students answering with its ranked interests (fewer English learners and
/// low-income students), the
/// assignment run as the service runs it, and the term's diagnostic updated for the
/// trends. Returns the round's path; nil when the district already has rounds.
func seedEnrichmentExample(_ store: any Store, district: String, term: TermRecord, school: String) async throws -> String? {
    guard try await store.enrichmentRounds(district: district).isEmpty else { return nil }
    let roster = try await store.roster(district: district, term: term.id)
    let students = EnrichmentRound.students(of: school, in: roster)
    guard students.count >= 40 else { return nil }
    var rng = SeededGenerator(seed: 2026)
    // As with many opt-in surveys, fewer English learners and low-income students answer
    // (75 % less 20 and 10 points): the example shows the gap the page is there to watch.
    let answering = students.filter { s in
        let st = roster.students[s]
        return Double.random(in: 0..<1, using: &rng) < 0.75 - (st.englishLearner == true ? 0.2 : 0) - (st.economicallyDisadvantaged == true ? 0.1 : 0)
    }.map { roster.students[$0].id }
    let synthetic = EnrichmentInstance.synthetic(students: answering.count, clusters: max(2, answering.count / 20), using: &rng)
    let body = EnrichmentRound(
        clusters: synthetic.clusters.map { c in
            let title = c.id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            return .init(id: c.id, title: title, titleEs: nil, min: c.min, max: c.max, proposedBy: "demo (example round)")
        },
        heterogeneity: ["ability": 0.15, "economic": 0.15])
    let at = Date(timeIntervalSince1970: 1_790_000_000)
    var round = try await store.addEnrichmentRound(EnrichmentRoundRecord(
        district: district, term: term.id, school: school, name: "Fall clusters (example)", status: "surveying", goal: 0.4,
        json: try sortedJSON(body), updatedAt: at))
    var surveys: [InterestSurveyRecord] = []
    for (id, s) in zip(answering, synthetic.students) {
        let survey = InterestSurveyRecord(district: district, round: round.id, student: id, choices: s.choices, language: "en", submittedAt: at)
        try await store.putInterestSurvey(survey)
        surveys.append(survey)
    }
    var solver = SeededGenerator(seed: 0)
    let result = try Enrichment.solve(body.instance(surveys: surveys.map { ($0.student, $0.choices) }, roster: roster), using: &solver)
    round.result = try sortedJSON(result)
    round.status = "assigned"
    try await store.updateEnrichmentRound(round)
    if let kept = try await store.diagnostic(district: district, term: term.id) {
        var d = try Diagnostic(archived: kept.json)
        d.enrichment = EnrichmentSummary(EnrichmentParticipation(roster, school: nil, rounds: [(round.name, Set(result.assignments.keys))], goal: 0))
        try await store.saveDiagnostic(district: district, term: term.id, StoredDiagnostic(json: try d.archived(), computedAt: kept.computedAt, options: kept.options))
    }
    return "/districts/\(district)/terms/\(term.id)/schools/\(school)/enrichment"
}

/// JSON with sorted keys, as the service stores a round and its result.
func sortedJSON(_ value: some Encodable) throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return String(decoding: try e.encode(value), as: UTF8.self)
}
