import Foundation
import MosaicCore
@testable import MosaicImport
import Testing

/// The CRDC high-school file (contract `crdc.md`): the published file read whole, its
/// encoding found from its bytes, and every kind of bad row reported as FILE:LINE.
@Suite struct CRDCFileTests {
    @Test func readsThePublishedFileWithItsEncoding() throws {
        let file = try CRDCFile.read(CRDCData.highSchools)
        // Latin-1 bytes (0xA0, 0x96) that are not UTF-8: read as Windows-1252.
        #expect(file.encoding == .windows1252)
        // 24,138 total rows: 24,132 (state, district, school) names, six of them shared by
        // two schools of same-named districts, one with AP and one without.
        #expect(file.schools.count == 24_138)
        #expect(Set(file.schools.map { [$0.state, $0.district, $0.name] }).count == 24_132)
        #expect(Set(file.schools.map { [$0.state, $0.district] }).count == 12_757)
        #expect(Set(file.schools.map(\.state)).count == 51)
        #expect(file.schools.filter(\.offersAP).count == 13_220)
        // Sums over every row, as the source has them.
        #expect(file.schools.reduce(0) { $0 + $1.students.reduce(0, +) } == 16_132_051)
        // 0x96 is an en dash in Windows-1252 (Latin-1 has a control character there).
        #expect(file.schools.contains { $0.district == "Opportunities for Learning – Duarte" })
        // NA: not reported, counted as 0 (one school, in its total and its ap row).
        let quincy = try #require(file.schools.first { $0.name == "Quincy Sr High School" })
        #expect(quincy.unreported == 2 && quincy.students[5] == 0 && quincy.students.reduce(0, +) == 1_388)
        // Six AP cells above the school's count of the group: kept, and noted.
        #expect(file.notes.count == 6)
        #expect(file.notes.allSatisfy { $0.message.hasSuffix("kept as published") })
    }

    @Test func aUTF8FileIsReadAsUTF8() throws {
        let file = try CRDCFile.read(fixture("utf8-bom.csv"))
        #expect(file.encoding == .utf8)
        #expect(file.schools.map(\.district) == ["Café Local"] && file.schools.map(\.name) == ["École Haute"])
        #expect(file.schools[0].students == [0, 1, 2, 3, 0, 0, 4])
    }

    @Test func everyBadRowIsReportedWithItsLine() {
        do {
            _ = try CRDCFile.read(fixture("broken.csv"))
            Issue.record("a broken file was read")
        } catch {
            #expect(error.problems.map(\.description) == [
                "broken.csv:4: ap is 'Maybe'; expected Yes or No",
                "broken.csv:5: 'Black' is '-3'; a count is a whole number of students, 0 or more (NA where not reported)",
                "broken.csv:6: 'Black' is 'ten'; a count is a whole number of students, 0 or more (NA where not reported)",
                "broken.csv:7: total 51 is not the sum of the seven race counts (50)",
                "broken.csv:8: the school 'Alpha High' (Alpha ISD, TEXAS, ap Yes) has a second total row; each school has one",
                "broken.csv:9: an ap row for 'Omega High' (Alpha ISD, TEXAS) with no total row for the school",
                "broken.csv:10: type is 'summary'; expected total or ap",
            ])
        }
    }

    @Test func aFileWithoutTheColumnsSaysWhichAreMissing() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crdc-\(UUID()).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "state,district,school,ap,type,total,Asian,Black\nTEXAS,A,B,No,total,1,0,1\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ImportError.self) { try CRDCFile.read(url.path) }
        do { _ = try CRDCFile.read(url.path) } catch {
            #expect(error.description.hasPrefix("\(url.lastPathComponent):1: missing columns 'American Indian/Alaska Native', 'Hispanic'"))
        }
        #expect(throws: ImportError.self) { try CRDCFile.read("/no/such/crdc.csv") }
    }

    func fixture(_ name: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/crdc").appendingPathComponent(name).path
    }
}
