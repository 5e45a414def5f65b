import ArgumentParser
import Foundation
import MosaicBoundaries
import MosaicChoice
import MosaicCore
import MosaicImport
import MosaicMetrics
import MosaicSchedule

/// `mosaic generate`: a synthetic district as OneRoster 1.1 + Mosaic extension files, or
/// (`--kind sectioning`) a synthetic high school to section (contract `schedule.md`).
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic district roster (OneRoster 1.1 CSV + Mosaic extension files).",
        discussion: """
            School compositions are drawn from the real NYC 2017-18 schools; classes, courses and \
            enrollments are synthetic, and every org name says so. --tracking skews advanced seats by \
            race and income; --sorting deals students to sections in placement order rather than at random. \
            With --kind sectioning, --out names the JSON file of a synthetic high school (2,000 students \
            unless --students says otherwise; 7 periods and an X block, about 150 courses and 400 sections). \
            With --kind enrichment, --out names the JSON file of an enrichment-cluster round (600 students \
            unless --students says otherwise, --clusters of them, five ranked interests each). \
            With --kind match, --out names the JSON file of a city's choice market (contract match.md: \
            80,000 students and 700 programmes like NYC's high-school match with --students 80000; the lottery in the file).
            With --kind boundaries, --out names the JSON file of a generated city to redraw (contract \
            boundaries.md): --schools schools, --blocks-per-school blocks each, residential segregation \
            of strength --segregation, today's zones grown from the schools along neighbourhood lines \
            (--zone-lines; 0 zones each block to its nearest school).
            """
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable { case roster, sectioning, enrichment, boundaries, match }

    @Option(help: "The folder to write (created if needed), or the JSON file with the other kinds.") var out: String
    @Option(help: "roster (a district), sectioning (a high school's course requests and master schedule), enrichment (an enrichment round) or boundaries (a city to redraw).") var kind: Kind = .roster
    @Option(name: .customLong("students"), help: "Students in the district (20,000), or in the school (2,000).") var studentCount: Int?
    var students: Int { studentCount ?? (kind == .roster ? 20_000 : kind == .sectioning ? 2_000 : 600) }
    @Option(help: "With --kind sectioning: the seats each course offers per student asking for it (below 1, some requests cannot be met).")
    var capacity: Double = 1.08
    @Option(help: "Schools in the district.") var schools: Int = 40
    @Option(help: "With --kind enrichment: the clusters staff propose (students / 20 unless given).") var clusters: Int?
    @Option(help: "With --kind match: programmes in the city's choice market.") var programmes: Int = 700
    @Option(help: "With --kind match: the programmes each student ranks.") var choices: Int = 12
    @Option(help: "With --kind match: seats in all (default: students × 1.0625).") var seats: Int?
    @Option(name: .customLong("reserve-share"), help: "With --kind match: the share of programmes holding 40 % of their seats for economically disadvantaged students.")
    var reserveShare: Double = 0
    @Option(name: .customLong("blocks-per-school"), help: "With --kind boundaries: city blocks per school.") var blocksPerSchool = 64
    @Option(help: "With --kind boundaries: residential segregation, 0 (none) to 1 (strong) or more.") var segregation = 1.0
    @Option(name: .customLong("zone-lines"), help: "With --kind boundaries: how closely today's zones follow neighbourhood lines, as the cost of crossing one in school spacings (0: nearest school).") var zoneLines = 1.2
    @Option(name: .customLong("zone-reach"), help: "With --kind boundaries: spread of schools' reach (σ of its log); larger buildings draw larger zones.") var zoneReach = 0.0
    @Option(help: "The random seed; the same seed gives the same roster.") var seed: UInt64 = 1
    @Option(name: .customLong("district-id"), help: "With --kind roster: the district org's sourcedId (a state of generated districts gives each its own).")
    var districtID = "district"
    @Option(name: .customLong("district-name"), help: "With --kind roster: the district's name.") var districtName = "Synthetic Unified School District"
    @Option(help: "How much race and income skew placement into advanced courses, 0 (none) to about 2.") var tracking: Double = 0.8
    @Option(help: "How strongly students are dealt to sections in placement order, 0 (at random) to 1.") var sorting: Double = 0.5
    @Option(name: .customLong("snapshot"), help: "The NYC Demographic Snapshot school file the school compositions come from; default: the copy shipped with Mosaic.")
    var snapshotFile: String?
    var snapshot: String { snapshotFile ?? NYCData.snapshot }

    func validate() throws {
        guard students >= 1, schools >= 1, students >= schools else { throw ValidationError("--students and --schools are positive, with at least one student per school") }
        guard students <= 5_000_000 else { throw ValidationError("--students is at most 5,000,000") }
        guard (0...1).contains(sorting) else { throw ValidationError("--sorting lies between 0 and 1") }
        guard tracking >= 0 else { throw ValidationError("--tracking is 0 or more") }
        if let clusters, clusters < 1 { throw ValidationError("--clusters is at least 1") }
        guard capacity > 0 && capacity <= 10 else { throw ValidationError("--capacity lies above 0 and at most 10") }
        guard !districtID.isEmpty, districtID.count <= 60, districtID.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw ValidationError("--district-id is 1 to 60 letters, digits, '.', '_' and '-'")
        }
        guard !districtName.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--district-name is not empty") }
    }

    /// Writes a JSON instance to --out, or says why it cannot.
    func write(_ instance: some Encodable) throws {
        do {
            try Data(Schedule.json(instance).utf8).write(to: URL(fileURLWithPath: out))
        } catch {
            Terminal.error("\(out): cannot be written: \(error.localizedDescription)")
            throw ExitCode.failure
        }
    }

    func run() throws {
        if kind == .match {
            guard programmes >= 1, choices >= 1, (0...1).contains(reserveShare) else {
                Terminal.error("--programmes and --choices are at least 1; --reserve-share lies between 0 and 1")
                throw ExitCode.failure
            }
            var rng = SeededGenerator(seed: seed)
            var market = Instance.synthetic(students: students, programmes: programmes, choices: min(choices, programmes),
                                            seats: seats ?? Int((Double(students) * 1.0625).rounded()), reserveShare: reserveShare, using: &rng)
            // The lottery is in the file (one number per student, a shuffle of 1…n), so any
            // reader of it assigns the same students.
            let numbers = Array(1...market.students.count).shuffled(using: &rng)
            for i in market.students.indices { market.students[i].lottery = numbers[i] }
            do {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                try encoder.encode(market).write(to: URL(fileURLWithPath: out))
            } catch {
                Terminal.error("\(out): cannot be written: \(error.localizedDescription)")
                throw ExitCode.failure
            }
            Terminal.error("wrote a synthetic choice market to \(out): \(market.students.count) students, \(market.schools.count) programmes, \(min(choices, programmes)) choices each (seed \(seed))")
            return
        }
        if kind == .boundaries {
            guard blocksPerSchool >= 1, segregation >= 0, zoneLines >= 0, zoneReach >= 0 else {
                Terminal.error("--blocks-per-school is at least 1; --segregation, --zone-lines and --zone-reach are 0 or more")
                throw ExitCode.failure
            }
            var rng = SeededGenerator(seed: seed)
            let city = BoundaryInstance.synthetic(schools: schools, blocksPerSchool: blocksPerSchool, segregation: segregation,
                                                  lines: zoneLines, reach: zoneReach, using: &rng)
            try write(city)
            Terminal.error("wrote a generated city to \(out): \(city.schools.count) schools, \(city.units.count) blocks (seed \(seed))")
            return
        }
        if kind == .enrichment {
            var rng = SeededGenerator(seed: seed)
            let round = EnrichmentInstance.synthetic(students: students, clusters: clusters ?? max(1, students / 20), using: &rng)
            try write(round)
            Terminal.error("wrote a synthetic enrichment round to \(out): \(round.students.count) students, \(round.clusters.count) clusters (seed \(seed))")
            return
        }
        if kind == .sectioning {
            var rng = SeededGenerator(seed: seed)
            let school = SectioningInstance.synthetic(students: students, capacity: capacity, using: &rng)
            let sections = school.courses.reduce(0) { $0 + $1.configurations.reduce(0) { $0 + $1.subparts.reduce(0) { $0 + $1.sections.count } } }
            try write(school)
            Terminal.error("wrote a synthetic high school to \(out): \(school.students.count) students, \(school.courses.count) courses, \(sections) sections (seed \(seed))")
            return
        }
        do {
            let nyc = try Terminal.reportingImportErrors {
                try NYCDemographicSnapshot.schools(from: CSVTable(contentsOf: snapshot))
            }
            let profiles = SyntheticDistrict.Profile.from(nyc, year: SchoolYear(startYear: 2017))
            var rng = SeededGenerator(seed: seed)
            var options = SyntheticDistrict.Options(students: students, schools: schools, tracking: tracking, sorting: sorting)
            (options.districtID, options.districtName) = (districtID, districtName)
            let district = SyntheticDistrict(options, profiles: profiles, using: &rng)
            let r = district.roster
            let progress = Terminal.progress()
            try OneRosterWriter.write(r, to: out) { file, rows in progress?("writing \(file)", rows, 0) }
            Terminal.endProgress()
            Terminal.error("wrote a synthetic district to \(out): \(r.students.count) students, \(r.orgs.count - 1) schools, \(r.sections.count) classes, \(r.enrollmentCount) enrollments (seed \(seed))")
        } catch ExitCodeError.failure {
            throw ExitCode.failure
        }
    }
}
