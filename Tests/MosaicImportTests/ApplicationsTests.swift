import MosaicImport
import Testing

@Suite struct ApplicationsTests {
    let schools: Set<String> = ["S01", "S02", "S03"]

    @Test func rowsCarryPreferencesPrioritiesAndGroups() throws {
        let text = """
            student_id,prefs,sibling,zones,lottery,economic,race
            st1,S02; S01,,S01,,disadvantaged,hispanic
            st2,S03,S03,S01;S02,17,,white
            """
        let rows = try readApplications(name: "apps.csv", text: text, schools: schools)
        #expect(rows == [
            ApplicationRow(applicant: "st1", prefs: ["S02", "S01"], zones: ["S01"], groups: ["economic": "disadvantaged", "race": "hispanic"], line: 2),
            ApplicationRow(applicant: "st2", prefs: ["S03"], sibling: "S03", zones: ["S01", "S02"], lottery: 17, groups: ["race": "white"], line: 3),
        ])
    }

    @Test func everyProblemIsReportedWithItsLine() {
        let text = """
            student_id,prefs,sibling,lottery
            st1,S09;S01,S07,x
            st1,S01;S01,,
            ,,,
            """
        #expect(throws: ImportError(problems: [
            .init(file: "apps.csv", line: 2, message: "prefs name \"S09\", which is not a school in this round"),
            .init(file: "apps.csv", line: 2, message: "sibling names \"S07\", which is not a school in this round"),
            .init(file: "apps.csv", line: 2, message: "lottery \"x\" is not a whole number from 0 to 4294967295"),
            .init(file: "apps.csv", line: 3, message: "student st1 applies twice (first on line 2)"),
            .init(file: "apps.csv", line: 3, message: "prefs list a school twice"),
            .init(file: "apps.csv", line: 4, message: "student_id is empty"),
            .init(file: "apps.csv", line: 4, message: "ranks no school"),
        ])) { try readApplications(name: "apps.csv", text: text, schools: schools) }
        #expect(throws: ImportError(problems: [.init(file: "a.csv", line: 1, message: "no \"prefs\" column (the header has student_id, choice1)")])) {
            try readApplications(name: "a.csv", text: "student_id,choice1\nst1,S01\n", schools: schools)
        }
    }
}
