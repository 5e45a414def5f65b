import MosaicImport
import MosaicMetrics
import MosaicTestSupport
import Testing

@Suite struct CountTableTests {
    func table(_ text: String, unit: String = "id", within: String? = nil, groups: [String]? = nil) throws(ImportError) -> CountTable {
        try CountTable(csv: CSVTable(name: "counts.csv", text: text), columns: .init(unit: unit, within: within, groups: groups))
    }

    func messages(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let e as ImportError {
            return e.problems.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func readsTheFixtureWithBOMQuotesAndCRLF() throws {
        let text = try TestSupport.fixture("counts-crlf-bom.csv", in: .module)
        let t = try CountTable(csv: CSVTable(name: "counts-crlf-bom.csv", text: text), columns: .init(unit: "classroom", within: "school"))
        // Default groups: every all-integer column but the unit, within and total columns.
        #expect(t.matrix.groups == ["asian", "black", "hispanic", "white"])
        #expect(t.matrix.units == ["A1", "A,2", "B1"])
        #expect(t.matrix.unitTotals == [20, 20, 25])
        #expect(t.outerLabels == ["PS 1", "PS 1", "PS 2"])
    }

    @Test func defaultGroupsSkipColumnsThatAreNotCounts() throws {
        let t = try table("id,name,x,share,y\na,Alpha,1,0.5,2\nb,Beta,3,0.2,4\n")
        #expect(t.matrix.groups == ["x", "y"])
    }

    @Test func namedGroupsAreReadInTheGivenOrder() throws {
        let t = try table("id,x,y,z\na,1,2,3\nb,4,5,6\n", groups: ["z", "x"])
        #expect(t.matrix.groups == ["z", "x"])
        #expect(t.matrix.counts == [3, 1, 6, 4])
    }

    @Test func aMissingColumnListsTheColumnsThereAre() {
        #expect(messages { _ = try table("id,x,y\na,1,2\n", unit: "school") } == [
            "counts.csv:1: no unit column \"school\"; the columns are \"id\", \"x\", \"y\"",
        ])
        #expect(messages { _ = try table("id,x,y\na,1,2\n", within: "district") } == [
            "counts.csv:1: no --within column \"district\"; the columns are \"id\", \"x\", \"y\"",
        ])
        #expect(messages { _ = try table("id,x,y\na,1,2\n", groups: ["x", "q"]) } == [
            "counts.csv:1: no group column \"q\"; the columns are \"id\", \"x\", \"y\"",
        ])
    }

    @Test func everyBadCountIsReportedWithItsLine() {
        let text = "id,x,y\na,1,-2\nb,2.5,1\nc,,3\nd,seven,1\ne,0,0\n"
        #expect(messages { _ = try table(text, groups: ["x", "y"]) } == [
            "counts.csv:2: column \"y\": \"-2\" is negative; counts are numbers of students",
            "counts.csv:3: column \"x\": \"2.5\" is not a whole number of students",
            "counts.csv:4: column \"x\": the count is empty; write 0 for no students",
            "counts.csv:5: column \"x\": \"seven\" is not a count (expected a whole number such as 0 or 25)",
            "counts.csv:6: unit \"e\" has no students in any group; remove the row or check its counts",
        ])
    }

    @Test func duplicateAndMissingUnitsAreReported() {
        #expect(messages { _ = try table("id,x,y\na,1,2\n,3,4\na,5,6\n") } == [
            "counts.csv:3: the unit column \"id\" is empty",
            "counts.csv:4: unit \"a\" appears again (first on line 2); each unit must have one row",
        ])
        #expect(messages { _ = try table("id,s,x,y\na,,1,2\n", within: "s") } == [
            "counts.csv:2: unit \"a\" has no outer unit: the --within column \"s\" is empty",
        ])
    }

    @Test func aTableWithoutRowsOrCountColumnsIsRefused() {
        #expect(messages { _ = try table("id,x,y\n") } == ["counts.csv: there are no rows of counts below the header"])
        #expect(messages { _ = try table("id,name\na,Alpha\n") }.first?.contains("no count columns") == true)
        #expect(messages { _ = try table("id,x,name\na,1,A\n") }.first?.contains("only one count column (\"x\")") == true)
    }

    @Test func readsAReference() throws {
        let csv = try CSVTable(name: "state.csv", text: "state,y,x\nNY,30,70\n")
        #expect(try ReferenceCounts(csv: csv, groups: ["x", "y"]).counts == [70, 30])
        #expect(throws: ImportError("state.csv", 1, "no column for group \"z\"; the reference needs a count for every group of the table")) {
            try ReferenceCounts(csv: csv, groups: ["x", "z"])
        }
        let two = try CSVTable(name: "state.csv", text: "x,y\n1,2\n3,4\n")
        #expect(throws: ImportError("state.csv", 3, "a reference holds exactly one row of counts; found 2")) {
            try ReferenceCounts(csv: two, groups: ["x", "y"])
        }
    }
}
