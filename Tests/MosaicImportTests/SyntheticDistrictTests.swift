import Foundation
import MosaicCore
import MosaicImport
import MosaicMetrics
import Testing

@Suite struct SyntheticDistrictTests {
    let profiles = [
        SyntheticDistrict.Profile(race: [0.1, 0.3, 0.4, 0.05, 0.15], poverty: 0.7, englishLearner: 0.15, disability: 0.2, female: 0.5),
        SyntheticDistrict.Profile(race: [0.3, 0.1, 0.2, 0.05, 0.35], poverty: 0.3, englishLearner: 0.05, disability: 0.15, female: 0.49),
        SyntheticDistrict.Profile(race: [0.05, 0.5, 0.4, 0.02, 0.03], poverty: 0.9, englishLearner: 0.2, disability: 0.2, female: 0.5),
    ]

    func district(tracking: Double, sorting: Double, seed: UInt64 = 7) -> Roster {
        var rng = SeededGenerator(seed: seed)
        return SyntheticDistrict(.init(students: 3_000, schools: 8, tracking: tracking, sorting: sorting), profiles: profiles, using: &rng).roster
    }

    /// The demo's terms share a seed and differ in tracking and sorting: they must have the
    /// same schools and students, placed differently.
    /// The open-honors ledger: only students of open-honors classes, dates in the first
    /// weeks of the fall term (out after in), tracking showing in who opts in — and it
    /// passes the reader's own checks when written out.
    @Test func theOpenHonorsLedgerIsPlausibleAndReadsBack() throws {
        let r = district(tracking: 0.8, sorting: 0.5)
        #expect(r.openHonors.count > 50)
        var pairs = Set<[Int]>()
        for e in 0..<r.enrollmentCount { pairs.insert([Int(r.enrollmentSection[e]), Int(r.enrollmentStudent[e])]) }
        var enrolled = [0, 0], opted = [0, 0]   // disadvantaged, not
        for e in 0..<r.enrollmentCount where r.courses[r.sections[Int(r.enrollmentSection[e])].course].level == .openHonors {
            enrolled[r.students[Int(r.enrollmentStudent[e])].economicallyDisadvantaged == true ? 0 : 1] += 1
        }
        for o in r.openHonors {
            #expect(r.courses[r.sections[o.section].course].level == .openHonors)
            #expect(pairs.contains([o.section, o.student]))
            #expect(o.optedIn >= "2025-08-25" && o.optedIn <= "2025-09-07")
            if let out = o.optedOut { #expect(out > o.optedIn && out <= "2025-09-30") }
            opted[r.students[o.student].economicallyDisadvantaged == true ? 0 : 1] += 1
        }
        #expect(Double(opted[1]) / Double(enrolled[1]) > Double(opted[0]) / Double(enrolled[0]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try OneRosterWriter.write(r, to: folder.path)
        let back = try OneRosterReader.read(folder.path)
        #expect(back.openHonors == r.openHonors)
        // The courses' Spanish titles go out in mosaic_courses.csv and come back.
        #expect(r.courses.allSatisfy { $0.titleEs != nil })
        #expect(back.courses.map(\.titleEs) == r.courses.map(\.titleEs))
    }

    @Test func theSameSeedGivesTheSameStudentsWhateverTheTrackingAndSorting() {
        let before = district(tracking: 1.2, sorting: 0.7), after = district(tracking: 0.4, sorting: 0.3)
        // Who the students are; gifted identification follows the placement score, which
        // tracking moves, so it is left out.
        func who(_ r: Roster) -> [String] {
            r.students.map { "\($0.id) \(String(describing: $0.grade)) \(String(describing: $0.race)) \(String(describing: $0.sex)) \(String(describing: $0.economicallyDisadvantaged)) \(String(describing: $0.englishLearner)) \(String(describing: $0.disability))" }
        }
        let same = who(before) == who(after)
        #expect(same)
        #expect(before.orgs == after.orgs)
        let placedAlike = before.enrollmentSection == after.enrollmentSection && before.sections == after.sections
        #expect(!placedAlike)
        // A different seed is a different district.
        let other = who(district(tracking: 1.2, sorting: 0.7, seed: 8)) == who(before)
        #expect(!other)
    }
}
